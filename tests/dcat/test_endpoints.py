"""The DCAT endpoints and the dataset page's schema.org block, on the search
backend of the run (``make test``: the PostgreSQL search; ``make test
SEARCH=solr``: Solr): issue 29, items 3 and 4.

ckanext-dcat builds a catalog page with ``package_search`` (``fq`` on
``metadata_modified`` for ``modified_since``, ``sort=metadata_modified
desc``, ``rows``/``start``); both backends must answer it the same way.
Pages of 10 over a catalog of at least 25 public datasets.
"""
from __future__ import annotations

import datetime as dt
import json
import re
import time
from urllib.parse import quote, urlsplit

import pytest
import rdflib
import sqlalchemy as sa
from bs4 import BeautifulSoup
from rdflib import RDF, URIRef

from ckan import model
from ckan.tests import factories, helpers

from tests.factories_dga import dga_dataset_dict

pytestmark = [pytest.mark.ckan_config("ckanext.dcat.datasets_per_page", 10),
              pytest.mark.usefixtures("with_plugins", "dcat_db")]

DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
DCT = rdflib.Namespace("http://purl.org/dc/terms/")
FOAF = rdflib.Namespace("http://xmlns.com/foaf/0.1/")
HYDRA = rdflib.Namespace("http://www.w3.org/ns/hydra/core#")
FORMATS = {"ttl": "turtle", "jsonld": "json-ld", "rdf": "xml"}

_CATALOG: dict = {}


@pytest.fixture
def catalog(dcat_db):
    """25 public datasets in three organizations, and what must never be on a
    page: a private dataset, a draft, a deleted one. Made once per module."""
    if _CATALOG:
        return _CATALOG
    admin = factories.UserWithToken()
    orgs = [factories.Organization(title=f"หน่วยงานที่ {n}",
                                   users=[{"name": admin["name"], "capacity": "admin"}])
            for n in range(3)]
    public = [factories.Dataset(**dga_dataset_dict(owner_org=orgs[n % 3]["id"],
                                                   name=f"public-{n:02d}"))
              for n in range(25)]
    hidden = [factories.Dataset(**dga_dataset_dict(owner_org=orgs[0]["id"], name="hidden-private",
                                                   private=True)),
              factories.Dataset(**dga_dataset_dict(owner_org=orgs[0]["id"], name="hidden-draft",
                                                   state="draft")),
              factories.Dataset(**dga_dataset_dict(owner_org=orgs[1]["id"], name="hidden-deleted"))]
    sysadmin = {"user": factories.Sysadmin()["name"]}
    helpers.call_action("package_delete", context=dict(sysadmin), id=hidden[2]["id"])
    _CATALOG.update(admin=admin, orgs=orgs, public=public, hidden=hidden, sysadmin=sysadmin)
    return _CATALOG


def _graph(app, url: str, fmt: str = "ttl", **kwargs) -> rdflib.Graph:
    response = app.get(url, status=200, **kwargs)
    return rdflib.Graph().parse(data=response.get_data(as_text=True), format=FORMATS[fmt])


def _walk(app, first: str, fmt: str = "ttl", **kwargs) -> tuple[list[str], list[int], int]:
    """Follow hydra:next from ``first``: the dataset URIs page by page, the
    page sizes and hydra:totalItems."""
    seen, sizes, total, url = [], [], None, first
    while url:
        graph = _graph(app, url, fmt, **kwargs)
        datasets = sorted(str(s) for s in graph.subjects(RDF.type, DCAT.Dataset))
        # the page's own order: ckanext-dcat sorts by metadata_modified desc
        seen += datasets
        sizes.append(len(datasets))
        total = next((int(t) for t in graph.objects(None, HYDRA.totalItems)), 0)
        nxt = next((str(n) for n in graph.objects(None, HYDRA.next)), None)
        url = "{0.path}?{0.query}".format(urlsplit(nxt)) if nxt else None
        assert len(sizes) < 20
    return seen, sizes, total


def _active_public_uris() -> set[str]:
    """What the catalog must list, read from the database (not the search)."""
    import ckan.plugins.toolkit as tk

    rows = model.Session.query(model.Package.id).filter_by(state="active", private=False)
    return {f"{tk.config['ckan.site_url']}/dataset/{pkg_id}" for pkg_id, in rows}


def _uri(pkg: dict) -> str:
    import ckan.plugins.toolkit as tk

    return f"{tk.config['ckan.site_url']}/dataset/{pkg['id']}"


@pytest.mark.parametrize("fmt", ["ttl", "jsonld", "rdf"])
def test_a_walk_of_the_pages_gives_every_public_dataset_once(app, catalog, fmt):
    seen, sizes, total = _walk(app, f"/catalog.{fmt}", fmt)
    expected = _active_public_uris()
    assert len(expected) >= 25
    assert len(seen) == len(set(seen)), "a dataset on two pages"
    assert set(seen) == expected
    assert total == len(expected)
    assert sizes[:-1] == [10] * (len(sizes) - 1) and 0 < sizes[-1] <= 10
    assert not {_uri(p) for p in catalog["hidden"]} & set(seen)


def test_pages_follow_metadata_modified_newest_first(app, catalog):
    """Page by page, each dataset's metadata_modified is not newer than any
    of the previous pages' (the order within a tie may differ by backend)."""
    newest_on_page = []
    url = "/catalog.ttl"
    while url:
        graph = _graph(app, url)
        ids = [str(s).rpartition("/")[2] for s in graph.subjects(RDF.type, DCAT.Dataset)]
        times = [model.Package.get(i).metadata_modified for i in ids]
        newest_on_page.append((max(times), min(times)))
        nxt = next((str(n) for n in graph.objects(None, HYDRA.next)), None)
        url = "{0.path}?{0.query}".format(urlsplit(nxt)) if nxt else None
    for (_, oldest), (newest, _) in zip(newest_on_page, newest_on_page[1:]):
        assert newest <= oldest


def test_no_private_or_draft_dataset_for_anyone(app, catalog):
    """Not even for their organization's admin asking for them: the catalog
    pages are the anonymous catalog."""
    headers = {"Authorization": catalog["admin"]["token"]}
    hidden = {_uri(p) for p in catalog["hidden"]}
    for query in ("", "?fq=%2Bstate:draft", "?fq=capacity:private", "?q=hidden",
                  "?fq=name:hidden-draft"):
        seen, _, _ = _walk(app, "/catalog.ttl" + query, headers=headers)
        assert not hidden & set(seen), query
    private, draft, deleted = catalog["hidden"]
    # "not found", as CKAN's dataset page says, and the very page a name nobody
    # uses gets: not "forbidden", nor another 404 page, which would tell that a
    # dataset of this name exists
    nobody = app.get("/dataset/no-such-dataset.ttl")
    assert nobody.status_code == 404
    for pkg in (private, draft, deleted):
        for path in (f"/dataset/{pkg['name']}.ttl", f"/dataset/{pkg['id']}.jsonld",
                     f"/dataset_series/{pkg['name']}.rdf"):
            response = app.get(path)
            assert response.status_code == 404, (path, response.status_code)
            text = response.get_data(as_text=True)
            assert pkg["title"] not in text
            assert _page_text(text) == _page_text(nobody.get_data(as_text=True)), path
    for odd in ("a%00b", "x" * 3000, "ชุดข้อมูล", "a%2Fb"):   # no 500, the same 404
        assert app.get(f"/dataset/{odd}.ttl").status_code == 404, odd[:20]
    # their own admin may read the private one, as on its page
    app.get(f"/dataset/{private['name']}.ttl", headers=headers, status=200)


def _page_text(html: str) -> str:
    """A page's main text, as a reader sees it."""
    from bs4 import BeautifulSoup

    main = BeautifulSoup(html, "html.parser").select_one("[role=main], main, .main")
    return " ".join((main or BeautifulSoup(html, "html.parser")).get_text(" ").split())


def test_modified_since_in_utc_and_a_thai_offset_refused(app, catalog):
    latest = model.Session.query(sa.func.max(model.Package.metadata_modified)).scalar()
    before = latest.replace(microsecond=0) + dt.timedelta(seconds=1)
    while dt.datetime.utcnow() <= before:
        time.sleep(0.05)
    changed = catalog["public"][3:6]
    for pkg in changed:
        helpers.call_action("package_patch", context=dict(catalog["sysadmin"]), id=pkg["id"],
                            notes="ปรับปรุงแล้ว")
    expected = {_uri(p) for p in changed}
    for value in (before.isoformat(), before.isoformat() + "Z", before.isoformat() + "+00:00"):
        seen, _, total = _walk(app, "/catalog.ttl?modified_since=" + quote(value))
        assert set(seen) == expected and total == 3, value
    future = (dt.datetime.utcnow() + dt.timedelta(days=1)).date().isoformat()
    assert _walk(app, f"/catalog.ttl?modified_since={future}")[0] == []
    thai = (before + dt.timedelta(hours=7)).isoformat() + "+07:00"
    for query in ("modified_since=" + quote(thai),       # +07:00, encoded
                  "modified_since=" + thai,              # the + read as a space
                  "modified_since=yesterday", "modified_since=2025-13-01"):
        response = app.get("/catalog.ttl?" + query, status=400)
        assert "modified_since" in response.get_data(as_text=True), query
    # the API: a 409 naming it, as any action input
    response = app.get("/api/3/action/dcat_catalog_show", query_string={
        "modified_since": thai, "format": "ttl"}, status=409)
    assert "modified_since" in json.dumps(response.json["error"], ensure_ascii=False)


def test_page_input_is_checked_and_a_page_past_the_end_is_empty(app, catalog):
    for page in ("0", "-1", "abc", "1.5", "10001", "99999999999999999999"):
        response = app.get(f"/catalog.ttl?page={page}", status=400)
        assert "page" in response.get_data(as_text=True)
    graph = _graph(app, "/catalog.ttl?page=50")
    assert not list(graph.subjects(RDF.type, DCAT.Dataset))


def test_a_query_a_backend_may_refuse_is_no_500(app, catalog):
    for query in ("fq=metadata_modified:[yesterday TO *]", "q=title:(unbalanced",
                  "fq=" + quote("{!func}sum(1,1)")):
        response = app.get("/catalog.ttl?" + query)
        assert response.status_code < 500, (query, response.status_code)


def test_an_unknown_format_or_profile_is_no_500(app, catalog):
    """A format ckanext-dcat has no content type for is a 404 on the catalog
    and the dataset pages (it answered 500: rdflib raised, then its view
    looked the format up); in the API a format or profile it cannot use is
    the caller's input refused (409), not a 500."""
    public, private = catalog["public"][0], catalog["hidden"][0]
    for url in ("/catalog.foo", "/catalog.json", "/catalog.json-ld", "/catalog.nt",
                f"/dataset/{public['name']}.foo", f"/dataset/{public['id']}.json",
                f"/dataset/{public['name']}.pretty-xml", f"/dataset/{private['name']}.foo"):
        response = app.get(url)
        assert response.status_code == 404, (url, response.status_code)
        assert "jsonld" in response.get_data(as_text=True), url
    for fmt in ("ttl", "rdf", "xml", "n3", "jsonld"):
        app.get(f"/dataset/{public['name']}.{fmt}", status=200)
    for query in ("format=foo", "format=json-ld", "format=ttl&profiles=no_such_profile"):
        response = app.get("/api/3/action/dcat_catalog_show?" + query)
        assert response.status_code == 409, (query, response.status_code)
        assert not response.json["success"]
    app.get("/catalog.ttl?profiles=no_such_profile", status=409)


def test_a_renamed_organization_is_the_publisher_at_once(app, catalog):
    org = factories.Organization(title="กรมเดิม")
    pkg = factories.Dataset(**dga_dataset_dict(owner_org=org["id"], name="renamed-org-data"))
    publisher = URIRef(f"{_uri(pkg).rpartition('/dataset/')[0]}/organization/{org['id']}")
    graph = _graph(app, "/catalog.ttl?fq=" + quote('name:"renamed-org-data"'))
    assert {str(n) for n in graph.objects(publisher, FOAF.name)} == {"กรมเดิม"}
    helpers.call_action("organization_patch", context=dict(catalog["sysadmin"]), id=org["id"],
                        title="กรมใหม่")
    for url in ("/catalog.ttl?fq=" + quote('name:"renamed-org-data"'),
                "/dataset/renamed-org-data.ttl"):
        graph = _graph(app, url)
        assert {str(n) for n in graph.objects(publisher, FOAF.name)} == {"กรมใหม่"}, url
    page = app.get("/dataset/renamed-org-data", status=200).get_data(as_text=True)
    block = _json_ld(page)
    names = {n["schema:name"] for n in block["@graph"] if n.get("@id") == str(publisher)}
    assert names == {"กรมใหม่"}


def _json_ld(page: str) -> dict:
    script = BeautifulSoup(page, "html.parser").find("script", type="application/ld+json")
    assert script is not None, "no JSON-LD block on the dataset page"
    return json.loads(script.string)


def test_the_dataset_page_carries_a_schema_org_dataset(app, catalog):
    org = factories.Organization(title="สำนักงานสถิติแห่งชาติ")
    factories.Dataset(**dga_dataset_dict(
        owner_org=org["id"], name="schema-org-data", data_language=["ไทย", "อังกฤษ"],
        first_year_of_data="2560", last_year_of_data="2567", data_type="ข้อมูลหลากหลายประเภท",
        west_bound_longitude="97.3", east_bound_longitude="105.6",
        north_bound_longitude="20.5", south_bound_longitude="5.6"))
    nodes = {n.get("@id"): n for n in _json_ld(app.get("/dataset/schema-org-data").get_data(
        as_text=True))["@graph"]}
    dataset = next(n for n in nodes.values() if n.get("@type") == "schema:Dataset")
    assert dataset["schema:name"].startswith("สถิติจำนวนนักท่องเที่ยวรายจังหวัด")
    assert dataset["schema:description"] == "จำนวนนักท่องเที่ยวชาวไทยและชาวต่างชาติ จำแนกรายจังหวัด"
    # the free keywords and the focus area's Thai and English names, not its code
    assert set(dataset["schema:keywords"]) == {"ท่องเที่ยว", "สถิติ", "จังหวัด",
                                               "ด้านท่องเที่ยว", "Tourism"}
    assert dataset["schema:license"] == (
        "http://publications.europa.eu/resource/authority/licence/CC_BY_4_0")
    assert set(dataset["schema:inLanguage"]) == {"th", "en"}
    assert dataset["schema:temporalCoverage"] == "2017/2024"
    publisher = nodes[dataset["schema:publisher"]["@id"]]
    assert publisher["schema:name"] == "สำนักงานสถิติแห่งชาติ"
    assert dataset["schema:creator"] == dataset["schema:publisher"]
    place = nodes[dataset["schema:spatialCoverage"]["@id"]]
    assert nodes[place["schema:geo"]["@id"]]["schema:box"] == "5.6 97.3 20.5 105.6"
    download = nodes[dataset["schema:distribution"]["@id"]]
    assert download["@type"] == "schema:DataDownload"
    assert download["schema:contentUrl"] == "https://data.example.go.th/tourism.csv"
    assert download["schema:encodingFormat"] == "CSV"
    assert re.search(r"/dataset/schema-org-data$", dataset["schema:url"])
