"""Per-dataset contributions to the stored KPI figures, their sums and the
changes not yet applied to them (Alembic migration ``e1f2a3b40002``).

``opdc_kpi_contributions``: one row per active dataset and its organization
(``scoring.tally.Contribution``). ``opdc_kpi_sums``: the contributions
summed by organization, KPI year, focus area, privacy and public category
(``every``: each dataset counted once, whatever its years: openness over
the catalog), kept by adding a change's difference (``add_sums``) or
summed again from the contributions (``resum``).
``opdc_kpi_figures_dirty``: (organization,
dataset) pairs changed by committed transactions whose figures are not
applied yet; dataset "" stands for the whole organization. Written in the
changing transaction under the organization's advisory lock
(``figures.lock``), removed by whoever applies them under the same lock.
Every query takes the session it runs in."""
from __future__ import annotations

from typing import Any, Iterable

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

import ckan.plugins.toolkit as tk

WHOLE = ""          # dirty "dataset" meaning the whole organization
FIELDS = ("years", "focus_area", "private", "complete", "mission", "public_category",
          "published", "openness_points", "use_evidence")

contributions_table = sa.Table(
    "opdc_kpi_contributions",
    tk.BaseModel.metadata,
    sa.Column("organization_id", sa.UnicodeText, primary_key=True),
    sa.Column("dataset_id", sa.UnicodeText, primary_key=True),
    sa.Column("years", postgresql.ARRAY(sa.Integer), nullable=False),
    sa.Column("focus_area", sa.UnicodeText, nullable=False),
    sa.Column("private", sa.Boolean, nullable=False),
    sa.Column("complete", sa.Boolean, nullable=False),
    sa.Column("mission", sa.Boolean, nullable=False),
    sa.Column("public_category", sa.Boolean, nullable=False),
    sa.Column("published", sa.Boolean, nullable=False),
    sa.Column("openness_points", sa.SmallInteger, nullable=False),
    sa.Column("use_evidence", sa.Boolean, nullable=False),
    extend_existing=True,
)

SUMMED = ("n", "complete", "mission", "evidence", "published", "points")
sums_table = sa.Table(
    "opdc_kpi_sums",
    tk.BaseModel.metadata,
    sa.Column("organization_id", sa.UnicodeText, primary_key=True),
    sa.Column("every", sa.Boolean, primary_key=True),
    sa.Column("fiscal_year", sa.Integer, primary_key=True),
    sa.Column("focus_area", sa.UnicodeText, primary_key=True),
    sa.Column("private", sa.Boolean, primary_key=True),
    sa.Column("public_category", sa.Boolean, primary_key=True),
    *(sa.Column(name, sa.Integer, nullable=False) for name in SUMMED),
    extend_existing=True,
)

dirty_table = sa.Table(
    "opdc_kpi_figures_dirty",
    tk.BaseModel.metadata,
    sa.Column("organization_id", sa.UnicodeText, primary_key=True),
    sa.Column("dataset_id", sa.UnicodeText, primary_key=True),
    extend_existing=True,
)


def note_dirty(session: Any, pairs: Iterable[tuple[str, str]]) -> None:
    """These (organization, dataset or WHOLE) changed and are to be applied."""
    values = [{"organization_id": org, "dataset_id": dataset or WHOLE}
              for org, dataset in sorted(set(pairs)) if org]
    if values:
        session.execute(postgresql.insert(dirty_table).values(values).on_conflict_do_nothing())


def take_dirty(session: Any, org_id: str) -> tuple[set[str], list[tuple[bool, str]]]:
    """The organization's noted changes, removed (they come back if the
    transaction rolls back), and the (stale, fingerprint) of each of its
    stored figures' rows: one statement."""
    found = session.execute(sa.text(
        "WITH taken AS (DELETE FROM opdc_kpi_figures_dirty WHERE organization_id = :org "
        "RETURNING dataset_id) "
        "SELECT dataset_id, NULL::boolean AS stale, NULL AS fingerprint FROM taken "
        "UNION ALL SELECT NULL, stale, fingerprint FROM opdc_kpi_figures "
        "WHERE organization_id = :org"), {"org": org_id}).all()
    return ({row.dataset_id for row in found if row.stale is None},
            [(row.stale, row.fingerprint) for row in found if row.stale is not None])


def clear_dirty(session: Any, org_ids: Iterable[str], datasets: Iterable[str] | None = None
                ) -> None:
    """Applied: these organizations' dirty rows (all, or those datasets')."""
    t = dirty_table
    query = t.delete().where(t.c.organization_id.in_(sorted(set(org_ids))))
    if datasets is not None:
        query = query.where(t.c.dataset_id.in_(sorted(set(datasets))))
    session.execute(query)


def replace(session: Any, org_ids: Iterable[str], rows: Iterable[dict[str, Any]],
            dataset_ids: Iterable[str] | None = None) -> list[dict[str, Any]]:
    """The organizations' contributions (all, or those of ``dataset_ids``)
    become ``rows`` (dicts of the table's columns); with ``dataset_ids``,
    the rows replaced are returned."""
    t = contributions_table
    query = t.delete().where(t.c.organization_id.in_(sorted(set(org_ids))))
    replaced: list[dict[str, Any]] = []
    if dataset_ids is not None:
        query = query.where(t.c.dataset_id.in_(sorted(set(dataset_ids)))).returning(*t.c)
        replaced = [dict(row._mapping) for row in session.execute(query)]
    else:
        session.execute(query)
    columns = ("organization_id", "dataset_id") + FIELDS
    values = [tuple(row[c] for c in columns) for row in rows]
    if not values:
        return replaced
    # tens of thousands of rows in a rebuild: the DB-API's batched VALUES
    # (SQLAlchemy's executemany compiles parameters per row: 3x slower)
    from psycopg2.extras import execute_values

    cursor = session.connection().connection.cursor()
    try:
        execute_values(cursor, f"INSERT INTO opdc_kpi_contributions ({', '.join(columns)}) "
                       "VALUES %s", values, page_size=2000)
    finally:
        cursor.close()
    return replaced


def rows_of(session: Any, org_ids: list[str], dataset_ids: list[str] | None = None
            ) -> dict[str, dict[str, dict[str, Any]]]:
    """``{organization id: {dataset id: contribution columns}}`` (all, or
    those datasets')."""
    t = contributions_table
    out: dict[str, dict[str, dict[str, Any]]] = {}
    query = sa.select(t).where(t.c.organization_id.in_(org_ids))
    if dataset_ids is not None:
        query = query.where(t.c.dataset_id.in_(dataset_ids))
    for row in session.execute(query):
        values = dict(row._mapping)
        out.setdefault(values.pop("organization_id"), {})[values.pop("dataset_id")] = values
    return out


_RESUM = """
INSERT INTO opdc_kpi_sums (organization_id, every, fiscal_year, focus_area, private,
                           public_category, n, complete, mission, evidence, published, points)
SELECT organization_id, every, y, focus_area, private, public_category, count(*),
       count(*) FILTER (WHERE complete), count(*) FILTER (WHERE mission),
       count(*) FILTER (WHERE use_evidence), count(*) FILTER (WHERE published),
       sum(openness_points)
FROM (SELECT c.*, false AS every, y FROM opdc_kpi_contributions c, unnest(c.years) AS y
      WHERE organization_id = ANY(:orgs)
      UNION ALL
      SELECT c.*, true, 0 FROM opdc_kpi_contributions c
      WHERE organization_id = ANY(:orgs)) AS c
GROUP BY organization_id, every, y, focus_area, private, public_category
"""


def resum(session: Any, org_ids: list[str]) -> None:
    """The organizations' sums summed again from their contributions."""
    t = sums_table
    session.execute(t.delete().where(t.c.organization_id.in_(list(org_ids))))
    session.execute(sa.text(_RESUM), {"orgs": list(org_ids)})


def add_sums(session: Any, org_id: str, deltas: dict[tuple, tuple[int, ...]]) -> None:
    """Add ``deltas`` ({(every, fiscal year, focus area, private, public
    category): (n, complete, mission, evidence, published, points)}) to the
    organization's sums; sums left empty are removed."""
    values = [{"organization_id": org_id, "every": key[0], "fiscal_year": key[1],
               "focus_area": key[2], "private": key[3], "public_category": key[4],
               **dict(zip(SUMMED, delta))}
              for key, delta in sorted(deltas.items()) if any(delta)]
    if not values:
        return
    t = sums_table
    insert = postgresql.insert(t).values(values)
    session.execute(insert.on_conflict_do_update(
        index_elements=[c.name for c in t.primary_key.columns],
        set_={name: t.c[name] + insert.excluded[name] for name in SUMMED}))
    session.execute(t.delete().where(t.c.organization_id == org_id, t.c.n == 0))


def sums(session: Any, org_ids: list[str]) -> list[Any]:
    """The organizations' sums (each row: organization_id, every,
    fiscal_year, focus_area, private, public_category and the sums)."""
    t = sums_table
    return list(session.execute(sa.select(t).where(t.c.organization_id.in_(list(org_ids)))))


def summed_again(session: Any, org_ids: list[str]) -> set[tuple]:
    """The sums as ``resum`` would write them now (``verify`` compares)."""
    query = _RESUM[_RESUM.index("SELECT"):]
    return {tuple(row) for row in session.execute(sa.text(query), {"orgs": list(org_ids)})}


def stored_sums(session: Any, org_ids: list[str]) -> set[tuple]:
    t = sums_table
    columns = [t.c.organization_id, t.c.every, t.c.fiscal_year, t.c.focus_area, t.c.private,
               t.c.public_category, *(t.c[name] for name in SUMMED)]
    return {tuple(row) for row in session.execute(
        sa.select(*columns).where(t.c.organization_id.in_(list(org_ids))))}


_BASKET_YEARS = """
SELECT NOT EXISTS (SELECT 1 FROM "group" g WHERE g.is_organization AND g.state = 'active'
                   AND NOT EXISTS (SELECT 1 FROM opdc_kpi_figures f
                                   WHERE f.organization_id = g.id AND f.fiscal_year = 0
                                   AND NOT f.public_only AND f.fingerprint = :fp))
       AND NOT EXISTS (SELECT 1 FROM opdc_kpi_figures WHERE stale)
       AND NOT EXISTS (SELECT 1 FROM opdc_kpi_figures_dirty) AS current,
       ARRAY(SELECT DISTINCT fiscal_year FROM opdc_kpi_sums WHERE NOT every AND n > 0
             ORDER BY fiscal_year DESC) AS years
"""


def basket_years(session: Any, fingerprint: str) -> list[int] | None:
    """The fiscal years some active dataset of the catalog is selected
    into, newest first, from the sums; None unless every active
    organization's figures are stored with ``fingerprint``, none is stale
    and no change is waiting (then the sums may lag: ask the catalog)."""
    current, years = session.execute(sa.text(_BASKET_YEARS), {"fp": fingerprint}).one()
    return list(years) if current else None


def organizations(session: Any) -> list[str]:
    """The organizations with stored contributions or sums."""
    return [org for (org,) in session.execute(sa.union(
        sa.select(contributions_table.c.organization_id),
        sa.select(sums_table.c.organization_id)))]
