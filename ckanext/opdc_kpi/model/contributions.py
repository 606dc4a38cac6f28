"""Per-dataset contributions to the stored KPI figures and the changes not
yet applied to them (Alembic migration ``e1f2a3b40002``).

``opdc_kpi_contributions``: one row per active dataset and its organization
(``scoring.tally.Contribution``). ``opdc_kpi_figures_dirty``: (organization,
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


def dirty_of(session: Any, org_id: str) -> set[str]:
    t = dirty_table
    return {dataset for (dataset,) in session.execute(
        sa.select(t.c.dataset_id).where(t.c.organization_id == org_id))}


def clear_dirty(session: Any, org_ids: Iterable[str], datasets: Iterable[str] | None = None
                ) -> None:
    """Applied: these organizations' dirty rows (all, or those datasets')."""
    t = dirty_table
    query = t.delete().where(t.c.organization_id.in_(sorted(set(org_ids))))
    if datasets is not None:
        query = query.where(t.c.dataset_id.in_(sorted(set(datasets))))
    session.execute(query)


def replace(session: Any, org_ids: Iterable[str], rows: Iterable[dict[str, Any]],
            dataset_ids: Iterable[str] | None = None) -> None:
    """The organizations' contributions (all, or those of ``dataset_ids``)
    become ``rows`` (dicts of the table's columns)."""
    t = contributions_table
    query = t.delete().where(t.c.organization_id.in_(sorted(set(org_ids))))
    if dataset_ids is not None:
        query = query.where(t.c.dataset_id.in_(sorted(set(dataset_ids))))
    session.execute(query)
    values = list(rows)
    for start in range(0, len(values), 5000):
        session.execute(t.insert(), values[start:start + 5000])


def rows_of(session: Any, org_ids: list[str]) -> dict[str, dict[str, dict[str, Any]]]:
    """``{organization id: {dataset id: contribution columns}}``."""
    t = contributions_table
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for row in session.execute(sa.select(t).where(t.c.organization_id.in_(org_ids))):
        values = dict(row._mapping)
        out.setdefault(values.pop("organization_id"), {})[values.pop("dataset_id")] = values
    return out


_SUMS = """
SELECT organization_id, y AS year, focus_area, private, public_category,
       count(*) AS n, count(*) FILTER (WHERE complete) AS complete,
       count(*) FILTER (WHERE mission) AS mission, bool_or(use_evidence) AS evidence,
       count(*) FILTER (WHERE published) AS published, sum(openness_points) AS points
FROM opdc_kpi_contributions c, unnest(c.years) AS y
WHERE organization_id = ANY(:orgs)
GROUP BY organization_id, y, focus_area, private, public_category
"""
_CATALOG_SUMS = """
SELECT organization_id, private, count(*) AS n,
       count(*) FILTER (WHERE published) AS published, sum(openness_points) AS points
FROM opdc_kpi_contributions
WHERE organization_id = ANY(:orgs) AND public_category
GROUP BY organization_id, private
"""


def sums(session: Any, org_ids: list[str]) -> list[Any]:
    """The contributions summed by organization, KPI year, focus area,
    privacy and public category (each row: n, complete, mission, evidence,
    published, points)."""
    return list(session.execute(sa.text(_SUMS), {"orgs": list(org_ids)}))


def catalog_sums(session: Any, org_ids: list[str]) -> list[Any]:
    """The public-category contributions summed by organization and privacy
    (openness over the whole catalog)."""
    return list(session.execute(sa.text(_CATALOG_SUMS), {"orgs": list(org_ids)}))


def organizations(session: Any) -> list[str]:
    """The organizations with stored contributions."""
    return [org for (org,) in session.execute(
        sa.select(contributions_table.c.organization_id).distinct())]
