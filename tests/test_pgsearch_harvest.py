"""A CKAN-API harvester (ckanext-harvest 1.6.3's CKAN harvester) paging the
catalog over HTTP: ``package_search?rows=100&start=N&sort=id asc[&fq=...]``.
It stops at the first page without a new id and ignores ``count``, so every
visible dataset must come exactly once, whatever the filters."""
import datetime as dt
import random
import uuid

import pytest

import ckan.model as model
import ckan.plugins as plugins
from ckan.tests import factories, helpers

from ckanext.opdc_kpi.search.index import build_row
from ckanext.opdc_kpi.search.model import search_table
from tests.pgsearch_support import make_dataset

# the PostgreSQL search itself: skipped on Solr (tests/conftest.py)
pytestmark = [pytest.mark.pgsearch, pytest.mark.usefixtures("with_plugins")]
CLONES = 260


@pytest.fixture(scope="module")
def catalog(fresh_db):
    """Three organizations; 3 datasets created through CKAN and 260 more
    indexed from variations of their dicts (build_row, as indexing does):
    about a tenth private, a few drafts, modification times spread over a
    year with microseconds."""
    plugins.load_all()
    try:
        fresh_db()
        orgs = [factories.Organization(name=f"harvest-org-{n}") for n in range(3)]
        templates = [make_dataset(owner_org=o["id"], title=f"Template {n}")
                     for n, o in enumerate(orgs)]
        rng = random.Random(7)
        expected = {}
        for n in range(CLONES):
            org = orgs[n % 3]
            raw = helpers.call_action("package_show", context={"validate": False},
                                      id=templates[n % 3]["id"])
            validated = helpers.call_action("package_show", id=templates[n % 3]["id"])
            modified = (dt.datetime(2024, 1, 1) + dt.timedelta(
                seconds=rng.randrange(365 * 86400), microseconds=rng.randrange(1000000)))
            private = rng.random() < 0.1
            state = "draft" if rng.random() < 0.03 else "active"
            changes = {"id": str(uuid.UUID(int=rng.getrandbits(128))),
                       "name": f"harvested-{n:03d}", "title": f"Harvested {n}",
                       "private": private, "state": state,
                       "metadata_modified": modified.isoformat()}
            raw.update(changes)
            validated.update(changes)
            labels = ["public"] if state == "active" and not private else [f"member-{org['id']}"]
            row = build_row(raw, validated, labels)
            model.Session.execute(search_table.insert().values(**row))
            expected[changes["id"]] = {"org": org["name"], "visible": labels == ["public"],
                                       "modified": modified}
        model.Session.commit()
        for t in templates:
            shown = helpers.call_action("package_show", id=t["id"])
            expected[t["id"]] = {"org": shown["organization"]["name"], "visible": True,
                                 "modified": dt.datetime.fromisoformat(shown["metadata_modified"])}
        yield {"orgs": orgs, "expected": expected, "templates": templates}
    finally:
        plugins.unload_all()


def harvest(app, fq=None, rows=100, between_pages=None, headers=None):
    """Every id the harvester gets, in order (repeats kept, to count them)."""
    got, seen, start = [], set(), 0
    while True:
        params = {"rows": rows, "start": start, "sort": "id asc"}
        if fq:
            params["fq"] = fq
        response = app.get("/api/3/action/package_search", query_string=params,
                           headers=headers or {}, status=200)
        ids = [d["id"] for d in response.json["result"]["results"]]
        if not set(ids) - seen:
            return got
        got += ids
        seen.update(ids)
        start += rows
        if between_pages:
            between_pages()


def visible(catalog, keep=lambda e: True):
    return sorted(i for i, e in catalog["expected"].items() if e["visible"] and keep(e))


def test_every_visible_dataset_exactly_once(app, catalog):
    got = harvest(app)
    assert len(got) > 200
    assert got == visible(catalog)  # once each, in id order, nothing invisible


def test_with_an_api_token_of_a_sysadmin_still_only_public_ones(app, catalog):
    sysadmin = factories.SysadminWithToken()
    assert harvest(app, headers={"Authorization": sysadmin["token"]}) == visible(catalog)


@pytest.mark.parametrize("fq, keep", [
    ("organization:harvest-org-0 OR organization:harvest-org-2",
     lambda e: e["org"] in ("harvest-org-0", "harvest-org-2")),
    ("-organization:harvest-org-0 -organization:harvest-org-1",
     lambda e: e["org"] == "harvest-org-2"),
    ("organization:harvest-org-1", lambda e: e["org"] == "harvest-org-1"),
])
def test_organization_filters(app, catalog, fq, keep):
    assert harvest(app, fq=fq) == visible(catalog, keep)


def test_incremental_run_with_microseconds(app, catalog):
    moments = sorted(e["modified"] for e in catalog["expected"].values() if e["visible"])
    since = moments[len(moments) // 2]  # exactly one dataset's time, microseconds included
    fq = f"metadata_modified:[{since.isoformat()}Z TO *]"
    got = harvest(app, fq=fq)
    assert got == visible(catalog, lambda e: e["modified"] >= since)
    assert len(got) == len(moments) - len(moments) // 2
    # the harvester's own form: last job start minus an hour, with an organization filter
    fq = (f"organization:harvest-org-0 OR organization:harvest-org-1 "
          f"metadata_modified:[{(since - dt.timedelta(hours=1)).isoformat()}Z TO *]")
    assert harvest(app, fq=fq) == visible(
        catalog, lambda e: e["org"] != "harvest-org-2"
        and e["modified"] >= since - dt.timedelta(hours=1))


def test_changes_between_pages_do_not_move_datasets(app, catalog):
    sysadmin = factories.Sysadmin()
    template = catalog["templates"][0]
    calls = []

    def edit():
        calls.append(1)
        helpers.call_action("package_patch", context={"user": sysadmin["name"]},
                            id=template["id"], notes=f"edited {len(calls)}")

    assert harvest(app, rows=50, between_pages=edit) == visible(catalog)
    assert len(calls) >= 4


def test_small_pages_too(app, catalog):
    assert harvest(app, rows=7) == visible(catalog)
