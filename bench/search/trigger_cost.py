"""What the search table's row triggers cost an update, in SQL alone (issue 28).

``python bench/search/trigger_cost.py --db-url URL [--rows 300] [--rounds 6] [--batch]``
on a database whose search table is filled (the 50,000-dataset bench catalog).

Each turn updates the same ``--rows`` rows of ``opdc_kpi_search``, one
``UPDATE`` statement a row as a ``package_update`` writes it (``--batch``: one
statement for all of them), in a transaction that is rolled back, timed after
a first statement that warms the plans, with the triggers in one of three
variants set up inside that transaction:

- ``off``: the row triggers disabled (the search table written as before the
  bitmaps and the values tables existed);
- ``before``: the triggers as at migration a1c3e5f70107 (one trigger per table
  for every insert, update and delete, the values' function of a1c3e5f70006,
  read from that migration);
- ``after``: the triggers as installed (migration a1c3e5f70108: ``WHEN``
  conditions, the changed fields only).

Two kinds of update, as a ``package_update`` writes them: ``notes`` (the
notes, the text and ``metadata_modified``: no facet value, no kept document
value) and ``tag`` (a tag added besides: a facet value and a document value).
The variants run in a rotating order each round, after one untimed warm-up
turn, so the load of a shared machine falls on all of them. Printed: the
median per row of each kind and variant, and the differences from ``off``.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import pathlib
import statistics
import sys
import time

import sqlalchemy as sa

from update_cost import TRIGGERS as ROW_TRIGGERS  # bench/search/update_cost.py

VERSIONS = (pathlib.Path(__file__).resolve().parents[2]
            / "ckanext/opdc_kpi/migration/opdc_kpi/versions")
VARIANTS = ("before", "after", "off")
# (the document's values are arrays of text)
CHANGED = ("jsonb_build_object('notes', jsonb_build_array("
           "coalesce(fields -> 'notes' ->> 0, '') || ' (bench)'), "
           "'metadata_modified', jsonb_build_array(clock_timestamp()::text))")
TEXT = "search_text = search_text || ' bench', metadata_modified = clock_timestamp()"
UPDATES = {
    "notes": f"UPDATE opdc_kpi_search SET fields = fields || {CHANGED}, {TEXT} "
             "WHERE id = ANY(:ids)",
    "tag": ("UPDATE opdc_kpi_search SET fields = jsonb_set(fields, '{tags}', "
            "coalesce(fields -> 'tags', '[]') || '\"bench-update-tag\"') || "
            f"{CHANGED} || jsonb_build_object('num_tags', jsonb_build_array("
            "(coalesce((fields -> 'num_tags' ->> 0)::int, 0) + 1)::text)), "
            f"facets = facets || ARRAY['tags' || chr(31) || 'bench-update-tag'], {TEXT} "
            "WHERE id = ANY(:ids)"),
}


class _Recorder:
    """Stands in for alembic's ``op``: keeps the statements a migration runs."""

    def __init__(self):
        self.statements: list[str] = []

    def execute(self, statement):
        self.statements.append(str(statement))


def _migration_sql(stem: str, step: str) -> list[str]:
    spec = importlib.util.spec_from_file_location(f"opdc_migration_{stem}",
                                                  VERSIONS / f"{stem}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.op = _Recorder()
    getattr(module, step)()
    return module.op.statements


def before_sql() -> list[str]:
    """The statements that put back the triggers of a1c3e5f70107: the single
    row triggers (a1c3e5f70108's downgrade) on a1c3e5f70006's values function."""
    values_function = [s for s in _migration_sql("a1c3e5f70006_search_document_values",
                                                 "upgrade")
                       if s.startswith("CREATE OR REPLACE FUNCTION opdc_kpi_search_values_trigger()")]
    assert len(values_function) == 1, "a1c3e5f70006's values function not found"
    return values_function + _migration_sql("a1c3e5f70108_search_triggers_on_change",
                                            "downgrade")


def after_sql() -> list[str]:
    """a1c3e5f70108's statements: its values function and its triggers."""
    return _migration_sql("a1c3e5f70108_search_triggers_on_change", "upgrade")


def _setup(connection, variant: str, before: list[str]) -> None:
    if variant == "before":
        for statement in before:
            connection.execute(sa.text(statement.replace(":", r"\:")))
    elif variant == "off":
        for trigger in ROW_TRIGGERS:
            connection.execute(sa.text(
                f"ALTER TABLE opdc_kpi_search DISABLE TRIGGER {trigger}"))


def _turn(engine, variant: str, kind: str, ids: list[str], before: list[str],
          batch: bool) -> float:
    with engine.connect() as connection:
        transaction = connection.begin()
        try:
            _setup(connection, variant, before)
            update = sa.text(UPDATES[kind])
            connection.execute(update, {"ids": ids[:1]})  # the plans made
            timed = ids[1:]
            started = time.perf_counter()
            if batch:
                connection.execute(update, {"ids": timed})
            else:
                for dataset_id in timed:
                    connection.execute(update, {"ids": [dataset_id]})
            return (time.perf_counter() - started) * 1000 / len(timed)
        finally:
            transaction.rollback()


def run(db_url: str, rows: int, rounds: int, batch: bool = False, echo=print) -> dict:
    engine = sa.create_engine(db_url)
    try:
        with engine.connect() as connection:
            triggers = {r[0] for r in connection.execute(sa.text(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = 'opdc_kpi_search'::regclass"))}
            if not set(ROW_TRIGGERS) <= triggers:
                raise SystemExit("the search table's triggers are not a1c3e5f70108's: "
                                 "run `ckan db upgrade -p opdc_kpi` on this database first")
            ids = [r[0] for r in connection.execute(sa.text(
                "SELECT id FROM opdc_kpi_search WHERE state = 'active' "
                "ORDER BY md5(id) LIMIT :n"), {"n": rows})]
        before = before_sql()
        per_row: dict[str, dict[str, list[float]]] = {
            kind: {variant: [] for variant in VARIANTS} for kind in UPDATES}
        for kind in UPDATES:
            _turn(engine, "after", kind, ids, before, batch)  # warm-up, not counted
        for round_ in range(rounds):
            order = VARIANTS[round_ % 3:] + VARIANTS[:round_ % 3]
            for variant in (order if round_ % 2 == 0 else tuple(reversed(order))):
                for kind in UPDATES:
                    per_row[kind][variant].append(
                        _turn(engine, variant, kind, ids, before, batch))
        report = {"rows": len(ids), "rounds": rounds,
                  "statements": "one for all rows" if batch else "one a row"}
        for kind, variants in per_row.items():
            medians = {v: statistics.median(times) for v, times in variants.items()}
            report[kind] = {
                **{f"{v}_ms_per_row": round(m, 3) for v, m in medians.items()},
                **{f"{v}_runs": [round(t, 3) for t in variants[v]] for v in VARIANTS},
                "before_minus_off_ms": round(medians["before"] - medians["off"], 3),
                "after_minus_off_ms": round(medians["after"] - medians["off"], 3),
            }
            echo(f"{kind}: per row, median of {rounds}: before {medians['before']:.3f} ms, "
                 f"after {medians['after']:.3f} ms, off {medians['off']:.3f} ms "
                 f"(before - off {medians['before'] - medians['off']:+.3f}, "
                 f"after - off {medians['after'] - medians['off']:+.3f})")
        return report
    finally:
        engine.dispose()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db-url", required=True)
    parser.add_argument("--rows", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--batch", action="store_true",
                        help="one UPDATE statement for all the rows")
    parser.add_argument("--out", default=None, help="also write the figures here (JSON)")
    args = parser.parse_args(argv)
    report = run(args.db_url, args.rows, args.rounds, args.batch)
    if args.out:
        pathlib.Path(args.out).write_text(json.dumps(report, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
