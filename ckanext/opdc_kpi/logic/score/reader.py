"""Set-based reads of what the KPI needs, for many datasets at once.

``package_show`` costs milliseconds per dataset; scoring 20,000 datasets that
way takes minutes. These few queries read the same columns for every dataset
of the chosen organizations and shape them like ``package_show`` dicts
(the fields the scoring core reads), so the core gives the same result on
either. Dataset and organization extras live in JSONB columns on CKAN 2.12
and in ``package_extra``/``group_extra`` tables on 2.11: ``extras_of`` is the
one place that knows.
"""
from __future__ import annotations

import contextlib
import gc
import json
from collections import defaultdict
from typing import Any, Iterable, Iterator, Optional

import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.opdc_kpi.logic.dataset import FOCUS_VOCABULARY
from ckanext.opdc_kpi.scoring.fiscal import parse_kpi_years

# package columns the scoring reads (everything else comes from extras)
_PACKAGE_COLUMNS = (
    "id", "name", "title", "notes", "private", "state", "owner_org", "type",
    "maintainer", "maintainer_email", "license_id", "metadata_modified",
)


def _extras_in_columns() -> bool:
    """CKAN 2.12 keeps extras in a JSONB column; 2.11 in extra tables."""
    return tk.check_ckan_version(min_version="2.12")


def extras_of(kind: str, ids: list[str], session: Any = None) -> dict[str, dict[str, str]]:
    """``{id: {key: value}}`` for packages (kind="package") or groups."""
    if not ids:
        return {}
    session = session or model.Session
    if _extras_in_columns():
        table = "package" if kind == "package" else '"group"'
        rows = session.execute(
            sa.text(f"SELECT id, extras FROM {table} WHERE id = ANY(:ids)"), {"ids": ids}
        )
        return {row.id: dict(row.extras or {}) for row in rows}
    table, key_column = (
        ("package_extra", "package_id") if kind == "package" else ("group_extra", "group_id")
    )
    rows = session.execute(
        sa.text(
            f"SELECT {key_column} AS owner, key, value FROM {table} "
            f"WHERE {key_column} = ANY(:ids) AND state = 'active'"
        ),
        {"ids": ids},
    )
    out: dict[str, dict[str, str]] = defaultdict(dict)
    for row in rows:
        out[row.owner][row.key] = row.value
    return out


_DECODED: dict[str, list] = {}


def _decode(value: Any) -> Any:
    """Scheming stores multiple choices as a JSON list string: give the list
    (a fresh copy; the parse of each distinct string is remembered, bounded)."""
    if isinstance(value, str) and value.startswith("[") and value.endswith("]"):
        known = _DECODED.get(value)
        if known is None:
            try:
                decoded = json.loads(value)
            except ValueError:
                return value
            if not isinstance(decoded, list):
                return value
            if len(_DECODED) >= 20000:
                _DECODED.clear()
            _DECODED[value] = known = decoded
        return [dict(v) if isinstance(v, dict) else v for v in known]
    return value


def organizations(ids: Optional[Iterable[str]] = None, session: Any = None
                  ) -> list[dict[str, Any]]:
    """Active organizations (all, or those ids/names) with their extras on top
    (read in ``session``, default CKAN's)."""
    session = session or model.Session
    params: dict[str, Any] = {}
    where = "is_organization AND state = 'active'"
    if ids is not None:
        where += " AND (id = ANY(:ids) OR name = ANY(:ids))"
        params["ids"] = list(ids)
    if _extras_in_columns():   # one query: the extras are a column
        rows = session.execute(sa.text(
            f'SELECT id, name, title, extras FROM "group" WHERE {where} ORDER BY name'), params
        ).all()
        extras = {row.id: dict(row.extras or {}) for row in rows}
    else:
        rows = session.execute(
            sa.text(f'SELECT id, name, title FROM "group" WHERE {where} ORDER BY name'), params
        ).all()
        extras = extras_of("group", [r.id for r in rows], session)
    out = []
    for row in rows:
        org = {key: _decode(value) for key, value in extras.get(row.id, {}).items()}
        org.update(id=row.id, name=row.name, title=row.title)
        out.append(org)
    return out


def organization(id_or_name: Any) -> dict[str, Any]:
    """One active organization as ``organizations`` gives it, by id or name;
    ``ObjectNotFound`` (404) when there is none."""
    found = organizations([id_or_name]) if id_or_name else []
    if not found:
        raise tk.ObjectNotFound(tk._("Organization not found"))
    return found[0]


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """The cyclic garbage collector paused while tens of thousands of small
    dicts and lists are made (it would scan them again and again: a third of
    the time of a catalog-wide read); reference counting still frees
    everything, and the collector runs as before afterwards. Nested and
    concurrent uses are safe: only the one that paused it resumes it."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@contextlib.contextmanager
def _without_jit(session: Any) -> Iterator[None]:
    """PostgreSQL's JIT compiles these many-row reads for longer than they
    run (hundreds of milliseconds on 20,000 datasets): off for them only,
    restored afterwards (the setting is local to the transaction)."""
    previous = session.execute(sa.text("SELECT current_setting('jit', true)")).scalar()
    if previous is None:  # a server built without JIT
        yield
        return
    session.execute(sa.text("SELECT set_config('jit', 'off', true)"))
    try:
        yield
    finally:
        session.execute(sa.text("SELECT set_config('jit', :v, true)"), {"v": previous})


def _package_extras_sql() -> str:
    """The dataset's extras as one JSON object column (one shape per CKAN)."""
    if _extras_in_columns():
        return "p.extras"
    return ("(SELECT json_object_agg(e.key, e.value) FROM package_extra e "
            "WHERE e.package_id = p.id AND e.state = 'active')")


def _kpi_years_sql() -> str:
    """The dataset's raw ``kpi_years`` text, Thai digits made ASCII."""
    if _extras_in_columns():
        raw = "p.extras ->> 'kpi_years'"
    else:
        raw = ("(SELECT e.value FROM package_extra e WHERE e.package_id = p.id "
               "AND e.key = 'kpi_years' AND e.state = 'active' LIMIT 1)")
    return f"translate({raw}, '๐๑๒๓๔๕๖๗๘๙', '0123456789')"


def _datasets_sql(with_year: bool, with_ids: bool = False) -> str:
    columns = ", ".join(f"p.{c}" for c in _PACKAGE_COLUMNS)
    # a superset of the year's basket: every spelling the core accepts
    # (JSON list, comma list, Thai digits) holds the year's four digits
    year_filter = f"AND {_kpi_years_sql()} LIKE %(year_pattern)s " if with_year else ""
    if with_ids:
        year_filter += "AND p.id = ANY(%(ids)s) "
    return (
        f"SELECT {columns}, {_package_extras_sql()} AS extras, "
        "(SELECT json_agg(json_build_array(t.name, t.vocabulary_id) ORDER BY t.name) "
        " FROM package_tag pt JOIN tag t ON t.id = pt.tag_id "
        " WHERE pt.package_id = p.id AND pt.state = 'active') AS tags, "
        "(SELECT json_agg(json_build_array(r.url, r.format, r.extras) ORDER BY r.position) "
        " FROM resource r WHERE r.package_id = p.id AND r.state = 'active') AS resources, "
        "(SELECT id FROM vocabulary WHERE name = %(vocabulary)s) AS focus_vocabulary "
        "FROM package p WHERE p.owner_org = ANY(%(orgs)s) "
        f"AND p.state = 'active' AND p.type = 'dataset' {year_filter}ORDER BY p.name"
    )


def datasets(owner_orgs: list[str], basket_year: Optional[int] = None, session: Any = None,
             ids: Optional[list[str]] = None) -> dict[str, list[dict[str, Any]]]:
    """Active datasets of these organizations, by organization id, shaped
    like ``package_show`` for the fields the KPI reads. With ``basket_year``
    only those that may be in that year's basket (the scoring core decides
    exactly); without it, all of them; with ``ids``, only those datasets.

    One query in the session's transaction: PostgreSQL aggregates each
    dataset's tags and resources into JSON arrays, and the rows are read
    with the DB-API cursor (tens of thousands of rows: no per-row ORM or
    Row objects). ``session``: default CKAN's."""
    if not owner_orgs:
        return {}
    with paused_gc():
        return _datasets(owner_orgs, basket_year, session or model.Session, ids)


def _datasets(owner_orgs: list[str], basket_year: Optional[int], session: Any,
              ids: Optional[list[str]] = None) -> dict[str, list[dict[str, Any]]]:
    # a few datasets by id: too cheap a query for the JIT, no setting to change
    with (_without_jit(session) if ids is None else contextlib.nullcontext()):
        cursor = session.connection().connection.cursor()
        try:
            params: dict[str, Any] = {"orgs": list(owner_orgs), "vocabulary": FOCUS_VOCABULARY}
            if basket_year is not None:
                params["year_pattern"] = f"%{int(basket_year)}%"
            if ids is not None:
                params["ids"] = list(ids)
            cursor.execute(_datasets_sql(basket_year is not None, ids is not None), params)
            rows = cursor.fetchall()
        finally:
            cursor.close()
    n_columns = len(_PACKAGE_COLUMNS)
    owner_index = _PACKAGE_COLUMNS.index("owner_org")
    modified_index = _PACKAGE_COLUMNS.index("metadata_modified")
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        extras, tag_rows, resource_rows, focus_vocabulary = row[n_columns:]
        pkg = {key: (_decode(value) if type(value) is str and value[:1] == "[" else value)
               for key, value in (extras or {}).items()}
        pkg.update(zip(_PACKAGE_COLUMNS, row))
        modified = row[modified_index]
        pkg["metadata_modified"] = modified.isoformat() if modified else None
        tags = [{"name": name, "vocabulary_id": vocabulary_id}
                for name, vocabulary_id in (tag_rows or ())]
        pkg["tags"] = tags
        focus = None
        if focus_vocabulary:
            for name, vocabulary_id in tag_rows or ():
                if vocabulary_id == focus_vocabulary:
                    focus = name
                    break
        pkg["focus_area"] = focus
        pkg["resources"] = [
            {"url": url or "", "format": fmt or "", "datastore_active": _datastore_active(extra)}
            for url, fmt, extra in (resource_rows or ())
        ]
        out[row[owner_index]].append(pkg)
    return out


def _datastore_active(extras: Any) -> bool:
    """A resource's ``datastore_active`` from its JSON extras text."""
    if not extras or "datastore_active" not in extras:
        return False
    try:
        return bool(json.loads(extras).get("datastore_active"))
    except (ValueError, AttributeError):
        return False


def basket_years(owner_org: Optional[str] = None, public_only: bool = False) -> list[int]:
    """The fiscal years that have a basket (some active dataset selected
    into them), of one organization or of the catalog, newest first;
    ``public_only``: counting public datasets only (the public view)."""
    params: dict[str, Any] = {}
    where = "p.state = 'active' AND p.type = 'dataset'"
    if public_only:
        where += " AND NOT p.private"
    if owner_org:
        where += " AND p.owner_org = :org"
        params["org"] = owner_org
    if _extras_in_columns():
        sql = f"SELECT DISTINCT p.extras ->> 'kpi_years' FROM package p WHERE {where}"
    else:
        sql = ("SELECT DISTINCT e.value FROM package_extra e JOIN package p ON p.id = e.package_id "
               f"WHERE e.key = 'kpi_years' AND e.state = 'active' AND {where}")
    years: set[int] = set()
    for (value,) in model.Session.execute(sa.text(sql), params):
        if value:
            years.update(parse_kpi_years(_decode(value))[0])
    return sorted(years, reverse=True)


def organization_ids(session: Any = None) -> list[str]:
    """The active organizations' ids, in the order of their names (as
    ``organizations`` lists them)."""
    return [row[0] for row in (session or model.Session).execute(sa.text(
        'SELECT id FROM "group" WHERE is_organization AND state = \'active\' ORDER BY name'))]
