"""What the search's write-side bookkeeping costs a ``package_update`` (issue
28): the bitmaps of facet values (migration a1c3e5f70005) and the table of
the documents' values (a1c3e5f70006) are kept by triggers on the search
table. Measured side by side on the benchmark's catalog, the same updates in
three modes: ``on`` (the triggers as installed, a1c3e5f70108: ``WHEN``
conditions, the changed fields only), ``before`` (the triggers as they were
before a1c3e5f70108: one trigger per table on every update, the values'
function of a1c3e5f70006, from ``trigger_cost.before_sql()``, put in place
for its turns and replaced afterwards) and ``off`` (``ALTER TABLE ...
DISABLE TRIGGER``: the search table written exactly as before the bitmaps
and values existed). The modes rotate turn by turn (on, before, off; then
off, before, on; ...) after a warm-up turn that is not counted.

Each update is ``package_patch`` through CKAN's action, in its own
transaction, of one of two kinds: the notes only (no facet value changes)
or a tag added (a facet value and a document value change); every turn
patches the same datasets, so the modes differ in nothing else. The catalog
is left as it was: each patch is put back (not timed), the triggers are
a1c3e5f70108's at the end, and what the ``off`` turns left behind is
refilled.
"""
from __future__ import annotations

import statistics
import time

# the row triggers (migration a1c3e5f70108: inserts and deletes; updates, on a change)
TRIGGERS = ("opdc_kpi_search_bits_row", "opdc_kpi_search_bits_update",
            "opdc_kpi_search_values_row", "opdc_kpi_search_values_update")


MODES = ("on", "before", "off")


def _statements(statements: list[str]) -> None:
    import sqlalchemy as sa

    import ckan.model as model

    for statement in statements:
        model.Session.execute(sa.text(statement.replace(":", r"\:")))
    model.Session.commit()


def _triggers(mode: str) -> None:
    """The search table's row triggers as ``mode`` asks, committed."""
    import trigger_cost  # bench/search/trigger_cost.py

    # a1c3e5f70108's triggers first (from any mode), then on, off or the old ones
    _statements(trigger_cost.after_sql() + [
        f"ALTER TABLE opdc_kpi_search {'DISABLE' if mode == 'off' else 'ENABLE'} "
        f"TRIGGER {trigger}" for trigger in TRIGGERS])
    if mode == "before":
        _statements(trigger_cost.before_sql())


def run(echo, turns: int = 9, per_turn: int = 10, modes=MODES) -> dict:
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
        {"n": per_turn * 2})]
    times: dict[str, dict[str, list[float]]] = {
        mode: {"notes": [], "tag": []} for mode in modes}
    # every turn patches the same datasets (and puts them back), so the modes
    # differ in nothing else; a first turn, not counted, warms the caches
    rotation = [mode for round_ in range(turns) for mode in
                (modes if round_ % 2 == 0 else tuple(reversed(modes)))][:turns]
    try:
        for turn, mode in enumerate([None] + rotation):
            _triggers(mode or "on")
            for kind, dataset_ids in (("notes", ids[:per_turn]), ("tag", ids[per_turn:])):
                for dataset_id in dataset_ids:
                    before = patch({"user": user, "ignore_auth": True}, {"id": dataset_id})
                    change = ({"notes": (before.get("notes") or "") + " (bench)"}
                              if kind == "notes" else
                              {"tags": before["tags"] + [{"name": "bench-update-tag"}]})
                    started = time.perf_counter()
                    patch({"user": user, "ignore_auth": True}, dict(change, id=dataset_id))
                    if mode:
                        times[mode][kind].append((time.perf_counter() - started) * 1000)
                    patch({"user": user, "ignore_auth": True},  # back (not timed)
                          {"id": dataset_id, "notes": before.get("notes"),
                           "tags": before["tags"]})
    finally:
        _triggers("on")
    if times.get("off", {}).get("tag"):
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
            if not values:
                continue
            out[f"{kind}_{mode}_median_ms"] = round(statistics.median(values), 1)
            out[f"{kind}_{mode}_runs"] = len(values)
            echo(f"package_patch ({kind}) triggers {mode}: median "
                 f"{out[f'{kind}_{mode}_median_ms']} ms over {len(values)}")
    return out
