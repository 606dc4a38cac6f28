"""Catalog pages put together from each dataset's stored serialization
(``ckanext/opdc_kpi/dcat/fragments.py``): the same graph as a page made
whole, on every format, before and after the fragments are stored; made
again when the dataset, its organization or the site changes; never kept
for a dataset no longer public; never filled by a caller's own profiles.
"""
from __future__ import annotations

import rdflib
import sqlalchemy as sa
from rdflib.compare import isomorphic, to_isomorphic, graph_diff

import pytest

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.tests import factories, helpers

from ckanext.opdc_kpi.dcat import fragments
from tests.factories_dga import dga_dataset_dict

pytestmark = [pytest.mark.ckan_config("ckanext.dcat.datasets_per_page", 10),
              pytest.mark.usefixtures("with_plugins", "dcat_db")]

DCT = rdflib.Namespace("http://purl.org/dc/terms/")
FOAF = rdflib.Namespace("http://xmlns.com/foaf/0.1/")
FORMATS = {"ttl": "turtle", "jsonld": "json-ld", "rdf": "xml"}

_CATALOG: dict = {}


@pytest.fixture
def catalog(dcat_db):
    """12 public datasets (resources of several formats, every data type the
    factory draws) in two organizations, and a private one."""
    if not _CATALOG:
        orgs = [factories.Organization(title=f"กรมทดสอบชิ้นส่วน {n}") for n in range(2)]
        public = [factories.Dataset(**dga_dataset_dict(owner_org=orgs[n % 2]["id"],
                                                       name=f"fragment-{n:02d}"))
                  for n in range(12)]
        private = factories.Dataset(**dga_dataset_dict(owner_org=orgs[0]["id"],
                                                       name="fragment-private", private=True))
        _CATALOG.update(orgs=orgs, public=public, private=private,
                        sysadmin={"user": factories.Sysadmin()["name"]})
    return _CATALOG


@pytest.fixture
def built(monkeypatch):
    """The ids of the datasets whose graphs were built (a page from stored
    fragments builds none)."""
    from ckanext.dcat.processors import RDFSerializer

    ids: list[str] = []
    original = RDFSerializer.graph_from_dataset

    def counting(self, dataset_dict):
        ids.append(dataset_dict["id"])
        return original(self, dataset_dict)

    monkeypatch.setattr(RDFSerializer, "graph_from_dataset", counting)
    return ids


def _clear():
    model.Session.execute(sa.text(f"DELETE FROM {fragments.TABLE}"))
    model.Session.commit()


def _rows(package_id: str | None = None) -> int:
    query = f"SELECT count(*) FROM {fragments.TABLE}"
    if package_id:
        return model.Session.execute(sa.text(query + " WHERE package_id = :id"),
                                     {"id": package_id}).scalar()
    return model.Session.execute(sa.text(query)).scalar()


def _page(fmt: str = "ttl", **params) -> str:
    return helpers.call_action("dcat_catalog_show", format=fmt, **params)


def _whole(monkeypatch, fmt: str, **params) -> str:
    monkeypatch.setitem(tk.config, fragments.CACHE_KEY, False)
    try:
        return _page(fmt, **params)
    finally:
        monkeypatch.setitem(tk.config, fragments.CACHE_KEY, True)


def _graph(text: str, fmt: str) -> rdflib.Graph:
    return rdflib.Graph().parse(data=text, format=FORMATS[fmt])


def _assert_same(joined: str, whole: str, fmt: str) -> None:
    a, b = to_isomorphic(_graph(joined, fmt)), to_isomorphic(_graph(whole, fmt))
    if not isomorphic(a, b):
        _both, only_joined, only_whole = graph_diff(a, b)
        raise AssertionError(f"{fmt}: only in the joined page {sorted(only_joined)[:5]}, "
                             f"only in the whole one {sorted(only_whole)[:5]}")


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_a_page_from_fragments_is_the_page_made_whole(monkeypatch, built, catalog, fmt):
    _clear()
    whole = _whole(monkeypatch, fmt, page=1)
    assert len(built) == 10
    first = _page(fmt, page=1)             # builds and stores the fragments
    assert len(built) == 20
    assert _rows() == 10
    second = _page(fmt, page=1)            # from the stored fragments only
    assert len(built) == 20
    for joined in (first, second):
        _assert_same(joined, whole, fmt)
    # the second page: two fragments and the page links, as a whole page has them
    _assert_same(_page(fmt, page=2), _whole(monkeypatch, fmt, page=2), fmt)


def test_an_edited_dataset_is_made_again_and_only_it(built, catalog):
    _clear()
    _page(page=1)
    del built[:]
    edited = catalog["public"][-1]     # the newest first: on page 1
    helpers.call_action("package_patch", context=dict(catalog["sysadmin"]), id=edited["id"],
                        title="ชื่อที่แก้แล้ว ชิ้นส่วน")
    assert _rows(edited["id"]) == 1    # a public dataset's update deletes nothing
    graph = _graph(_page(page=1), "ttl")
    titles = {str(t) for t in graph.objects(None, DCT.title)}
    assert "ชื่อที่แก้แล้ว ชิ้นส่วน" in titles
    assert built == [edited["id"]]
    del built[:]
    _page(page=1)
    assert built == []


def test_a_renamed_organization_makes_its_datasets_again(built, catalog):
    _clear()
    _page(page=1)
    del built[:]
    org = catalog["orgs"][1]
    helpers.call_action("organization_patch", context=dict(catalog["sysadmin"]), id=org["id"],
                        title="กรมทดสอบชิ้นส่วน ชื่อใหม่")
    graph = _graph(_page(page=1), "ttl")
    publishers = {str(n) for p in graph.objects(None, DCT.publisher)
                  for n in graph.objects(p, FOAF.name)}
    assert "กรมทดสอบชิ้นส่วน ชื่อใหม่" in publishers
    assert "กรมทดสอบชิ้นส่วน 1" not in publishers
    on_page = {str(s).rsplit("/", 1)[-1] for s in graph.subjects(rdflib.RDF.type,
                                                                 rdflib.URIRef(
                                                                     "http://www.w3.org/ns/dcat#Dataset"))}
    of_org = {d["id"] for d in catalog["public"] if d["owner_org"] == org["id"]}
    assert set(built) == of_org & on_page
    assert built


def test_a_dataset_made_private_or_deleted_loses_its_fragments(catalog):
    _clear()
    for fmt in FORMATS:
        _page(fmt, page=1)
    first, second = catalog["public"][-1], catalog["public"][-2]
    assert _rows(first["id"]) == 3 and _rows(second["id"]) == 3
    sysadmin = dict(catalog["sysadmin"])
    helpers.call_action("package_patch", context=dict(sysadmin), id=first["id"], private=True)
    helpers.call_action("package_delete", context=dict(sysadmin), id=second["name"])
    assert _rows(first["id"]) == 0 and _rows(second["id"]) == 0
    page = _page(page=1)
    assert first["name"] not in page and first["id"] not in page
    assert second["id"] not in page
    assert _rows(first["id"]) == 0 and _rows(second["id"]) == 0
    helpers.call_action("package_patch", context=dict(sysadmin), id=first["id"], private=False)
    assert first["id"] in _page(page=1)
    assert _rows(first["id"]) == 1


def test_a_bulk_make_private_drops_the_fragments(catalog):
    """CKAN 2.11's bulk actions write the rows without a dataset hook; the
    chained action drops their fragments (2.12 goes through package_patch)."""
    _clear()
    _page(page=1)
    org = catalog["orgs"][1]
    ids = [d["id"] for d in catalog["public"]
           if d["owner_org"] == org["id"] and _rows(d["id"]) == 1][-2:]
    assert len(ids) == 2
    helpers.call_action("bulk_update_private", context=dict(catalog["sysadmin"]),
                        datasets=ids, org_id=org["id"])
    assert all(_rows(i) == 0 for i in ids)
    page = _page(page=1)
    assert not any(i in page for i in ids)
    helpers.call_action("bulk_update_public", context=dict(catalog["sysadmin"]),
                        datasets=ids, org_id=org["id"])


def test_a_fragment_is_not_stored_for_a_dataset_no_longer_public(catalog):
    """A page that searched while the dataset was public and stores after it
    was made private stores nothing for it."""
    pkg = catalog["public"][0]
    _clear()
    helpers.call_action("package_patch", context=dict(catalog["sysadmin"]), id=pkg["id"],
                        private=True)
    try:
        fragments._store("turtle", [(pkg["id"], "k", "http://x/", "body")])
        assert _rows(pkg["id"]) == 0
    finally:
        helpers.call_action("package_patch", context=dict(catalog["sysadmin"]), id=pkg["id"],
                            private=False)
    fragments._store("turtle", [(pkg["id"], "k", "http://x/", "body")])
    assert _rows(pkg["id"]) == 1
    _clear()


def test_a_callers_profiles_or_the_setting_off_store_nothing(monkeypatch, built, catalog):
    _clear()
    _page(page=1, profiles="euro_dcat_ap_3")
    assert _rows() == 0 and len(built) == 10
    monkeypatch.setitem(tk.config, fragments.CACHE_KEY, False)
    _page(page=1)
    assert _rows() == 0 and len(built) == 20


def test_the_private_dataset_is_never_stored(catalog):
    _clear()
    for fmt in FORMATS:
        for page in (1, 2):
            _page(fmt, page=page)
    assert _rows(catalog["private"]["id"]) == 0
    bodies = model.Session.execute(sa.text(f"SELECT body FROM {fragments.TABLE}")).scalars()
    assert not any("fragment-private" in body for body in bodies)
