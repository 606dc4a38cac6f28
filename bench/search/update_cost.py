"""What the search's write-side bookkeeping costs a ``package_update`` (issue
28): the bitmaps of facet values (migration a1c3e5f70005) and the table of
the documents' values (a1c3e5f70006) are kept by triggers on the search
table. Measured side by side on the benchmark's catalog: the same updates
with the triggers on and off (``ALTER TABLE ... DISABLE TRIGGER``: the
search table written exactly as before the change), in alternating turns.
Each update is ``package_patch`` through CKAN's action, in its own
transaction, of one of two kinds: the notes only (no facet value changes)
or a tag added (a facet value and a document value change). The catalog is
left as it was: each turn's datasets are patched back (not timed) and the
triggers are on again at the end.
"""
from __future__ import annotations

import statistics
import time

# the row triggers (migration a1c3e5f70108: inserts and deletes; updates, on a change)
TRIGGERS = ("opdc_kpi_search_bits_row", "opdc_kpi_search_bits_update",
            "opdc_kpi_search_values_row", "opdc_kpi_search_values_update")


def _triggers(on: bool) -> None:
    import sqlalchemy as sa

    import ckan.model as model

    for trigger in TRIGGERS:
        model.Session.execute(sa.text(
            f"ALTER TABLE opdc_kpi_search {'ENABLE' if on else 'DISABLE'} TRIGGER {trigger}"))
    model.Session.commit()


def run(echo, turns: int = 6, per_turn: int = 10) -> dict:
    import sqlalchemy as sa

    import ckan.model as model
    import ckan.plugins.toolkit as tk

    user = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
    patch = tk.get_action("package_patch")
    ids = [r[0] for r in model.Session.execute(sa.text(
        # datasets CKAN's validation takes back as they are: the seed writes by SQL
        # Thai tags with combining vowels, which CKAN's tag name validator refuses
        "SELECT s.id FROM opdc_kpi_search AS s WHERE s.state = 'active' AND NOT EXISTS "
        "(SELECT 1 FROM package_tag AS pt JOIN tag AS t ON t.id = pt.tag_id "
        "WHERE pt.package_id = s.id AND pt.state = 'active' "
        "AND t.name !~ '^[A-Za-z0-9 ._-]+$') ORDER BY s.id LIMIT :n"),
        {"n": turns * per_turn * 2})]
    times: dict[str, dict[str, list[float]]] = {
        mode: {"notes": [], "tag": []} for mode in ("on", "off")}
    try:
        for turn in range(turns):
            mode = ("on", "off")[turn % 2] if turn < 2 else ("off", "on")[turn % 2]
            _triggers(mode == "on")
            chunk = ids[turn * per_turn * 2:(turn + 1) * per_turn * 2]
            for kind, dataset_ids in (("notes", chunk[:per_turn]), ("tag", chunk[per_turn:])):
                for dataset_id in dataset_ids:
                    before = patch({"user": user, "ignore_auth": True}, {"id": dataset_id})
                    change = ({"notes": (before.get("notes") or "") + " (bench)"}
                              if kind == "notes" else
                              {"tags": before["tags"] + [{"name": "bench-update-tag"}]})
                    started = time.perf_counter()
                    patch({"user": user, "ignore_auth": True}, dict(change, id=dataset_id))
                    times[mode][kind].append((time.perf_counter() - started) * 1000)
                    patch({"user": user, "ignore_auth": True},  # back (not timed)
                          {"id": dataset_id, "notes": before.get("notes"),
                           "tags": before["tags"]})
    finally:
        _triggers(True)
    if times["off"]["tag"]:
        # while the triggers were off the bitmaps and values did not follow
        # the datasets patched: refill the bitmaps, rewrite those datasets' values
        model.Session.execute(sa.text("SELECT opdc_kpi_search_bits_rebuild()"))
        model.Session.execute(sa.text(
            "DELETE FROM opdc_kpi_search_values WHERE id = ANY(:ids)"), {"ids": ids})
        model.Session.execute(sa.text(
            "INSERT INTO opdc_kpi_search_values (id, field, value, num) "
            "SELECT s.id, v.field, v.value, CASE WHEN v.value ~ '^-?[0-9]+(\\.[0-9]+)?$' "
            "THEN CAST(v.value AS numeric) END FROM opdc_kpi_search AS s, "
            "opdc_kpi_search_row_values(s.fields) AS v WHERE s.id = ANY(:ids)"), {"ids": ids})
        model.Session.commit()
    out = {}
    for mode, kinds in times.items():
        for kind, values in kinds.items():
            out[f"{kind}_{mode}_median_ms"] = round(statistics.median(values), 1)
            out[f"{kind}_{mode}_runs"] = len(values)
            echo(f"package_patch ({kind}) triggers {mode}: median "
                 f"{out[f'{kind}_{mode}_median_ms']} ms over {len(values)}")
    return out
