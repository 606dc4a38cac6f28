"""What one dataset search may ask for (``search/limits.py``), in both search
modes: at each limit the API answers, one over it is a 409 naming the
parameter and the config key; CKAN's pages answer 400 with the message in
the page's language; a site's own value of a key is the limit."""
from __future__ import annotations

import pathlib

import pytest

from ckan.tests import factories

from ckanext.opdc_kpi.search.limits import LIMITS, excesses

from .factories_dga import dga_dataset_dict

DEFAULTS = {limit: default for limit, (_key, default) in LIMITS.items()}
KEY = {limit: key for limit, (key, _default) in LIMITS.items()}
PAGE_FACETS = ["organization", "groups", "tags", "res_format", "license_id"]


# --- counting (no CKAN request) ----------------------------------------------------

def test_facet_fields_are_counted_once_each_and_page_facets_are_not_other():
    fields = PAGE_FACETS + [f"vocab_v{i}" for i in range(35)] + ["focus_area"] + [
        f"extra_{i}" for i in range(9)]
    assert len(fields) == 50
    assert excesses({"facet.field": fields + ["tags", "extra_0"]}, DEFAULTS) == []
    over = excesses({"facet.field": fields + ["extra_9", "extra_10"]}, DEFAULTS)
    assert [(e.limit, e.parameter, e.count) for e in over] == [
        ("facet_fields", "facet.field", 52), ("other_facet_fields", "facet.field", 11)]
    # a site's own page facets (search.facets) are not "other"
    site = [f"extra_{i}" for i in range(11)]
    assert excesses({"facet.field": site}, DEFAULTS, site_facets=site) == []


def test_clauses_are_summed_over_q_fq_and_fq_list_and_the_crossing_one_is_named():
    q = " OR ".join(f"tags:t{i}" for i in range(1000))
    fq = "res_format:CSV -tags:x"
    at_limit = {"q": q, "fq": fq, "fq_list": ["a:1"] * 22}
    assert excesses(at_limit, DEFAULTS) == []
    over = excesses(dict(at_limit, fq_list=["a:1"] * 23), DEFAULTS)
    assert [(e.limit, e.parameter) for e in over] == [("clauses", "fq_list")]
    # a q without a colon is dismax: its words are the clauses (words of three
    # characters: shorter ones have their own, smaller limit, below)
    assert excesses({"q": "www " * 1025}, DEFAULTS)[0].parameter == "q"
    assert excesses({"q": "www " * 1024}, DEFAULTS) == []


def test_words_no_index_answers_have_their_own_smaller_limit():
    """Issue 28: a word or phrase of one or two characters in text, or a text
    wildcard with fewer than three literal characters, is tested on every row
    by the PostgreSQL search (no trigram): at most 8 in a search."""
    eight = " OR ".join(f"z{i}" for i in range(8))
    assert excesses({"q": eight}, DEFAULTS) == []
    over = excesses({"q": eight, "fq": "title:ab"}, DEFAULTS)
    assert [(e.limit, e.parameter, e.count) for e in over] == [("unindexed_clauses", "fq", 9)]
    # counted wherever they stand: a field's group, phrases, wildcards, fq_list
    assert excesses({"q": "title:(ab OR cd) \"x\" text:ab* notes:a?",
                     "fq_list": ["ไฟ", "-ab", "+cd", "ef"]}, DEFAULTS)[0].count == 9
    # what an index answers is not counted: longer words, string fields,
    # ranges and patterns on fields (the facet, document and date indexes)
    indexed = {"q": " ".join(["abc", "tags:ab", "res_format:x*", "num_tags:[1 TO 2]",
                              "metadata_modified:[NOW-1DAY TO *]", "ข้อมูล", "id:ab"] * 3)}
    assert excesses(indexed, DEFAULTS) == []
    assert excesses({"q": "a b c d e f g h i j"}, dict(DEFAULTS, unindexed_clauses=0)) == []


def test_sort_clauses_fq_list_entries_and_a_limit_of_zero():
    assert excesses({"sort": "name asc," * 10 + " ,"}, DEFAULTS) == []
    assert excesses({"sort": "name asc," * 11}, DEFAULTS)[0].limit == "sort_clauses"
    assert excesses({"fq_list": ["x:1"] * 51}, DEFAULTS)[0].limit == "fq_list"
    assert excesses({"fq_list": ["x:1"] * 51}, dict(DEFAULTS, fq_list=0)) == []


# --- through the API and the pages ------------------------------------------------

@pytest.fixture(scope="module")
def site(fresh_db):
    """One organization with two datasets, made once (the tests only read)."""
    from ckan import plugins

    plugins.load_all()
    fresh_db()
    org = factories.Organization(name="limits-org")
    for name, tags in (("limits-one", "water"), ("limits-two", "road")):
        factories.Dataset(**dict(dga_dataset_dict(owner_org=org["id"], name=name),
                                 tag_string=tags))
    return {"org": org}


def _search(app, status, **params):
    response = app.post("/api/3/action/package_search", json=params, status=status)
    return response.json


# each limit: (limit, a search at it, the same one over it by one)
BOUNDARIES = {
    "facet fields": ("facet_fields", dict(rows=0, **{"facet.field": PAGE_FACETS + [
        f"vocab_v{i}" for i in range(35)] + [f"no_such_{i}" for i in range(10)]}),
        dict(rows=0, **{"facet.field": PAGE_FACETS + [
            f"vocab_v{i}" for i in range(35)] + [f"no_such_{i}" for i in range(11)]})),
    "other facet fields": ("other_facet_fields",
                           dict(rows=0, **{"facet.field": [f"no_such_{i}" for i in range(10)]}),
                           dict(rows=0, **{"facet.field": [f"no_such_{i}" for i in range(11)]})),
    "fq_list": ("fq_list", dict(fq_list=["-tags:zz"] * 50), dict(fq_list=["-tags:zz"] * 51)),
    "sort": ("sort_clauses", dict(sort=", ".join(["name asc", "metadata_modified desc"] * 5)),
             dict(sort=", ".join(["name asc", "metadata_modified desc"] * 5 + ["id asc"]))),
    # Lucene syntax (Solr's own limit on one query is 1,024 clauses too), and
    # within the PostgreSQL search's 10,000 characters per query string
    "clauses": ("clauses", dict(q=" ".join(["-tags:zz"] * 1000), fq="-tags:zz",
                                fq_list=["-tags:zz"] * 23),
                dict(q=" ".join(["-tags:zz"] * 1000), fq="-tags:zz",
                     fq_list=["-tags:zz"] * 22 + ["-tags:zz -tags:zy"])),
    # issue 28: words of two characters (no index answers them), in filters
    "unindexed clauses": ("unindexed_clauses", dict(fq="-zz -zy -zx -zw -zv -zu",
                                                    fq_list=["-zt", "-zs"]),
                          dict(fq="-zz -zy -zx -zw -zv -zu",
                               fq_list=["-zt", "-zs", "-zr"])),
}
PARAMETER = {"facet_fields": "facet.field", "other_facet_fields": "facet.field",
             "fq_list": "fq_list", "sort_clauses": "sort", "clauses": "fq_list",
             "unindexed_clauses": "fq_list"}


@pytest.mark.usefixtures("with_plugins")
@pytest.mark.parametrize("name", list(BOUNDARIES))
def test_at_a_limit_the_api_answers_and_one_over_it_is_a_409_naming_it(app, site, name):
    limit, at, over = BOUNDARIES[name]
    result = _search(app, 200, **at)["result"]
    if "facet.field" in at:
        assert result["facets"]["no_such_0"] == {}
        if "tags" in at["facet.field"]:
            assert set(result["facets"]["tags"]) == {"water", "road"}
    else:
        assert result["count"] == 2
    error = _search(app, 409, **over)["error"]
    assert error["__type"] == "Validation Error"
    message = " ".join(error[PARAMETER[limit]])
    assert KEY[limit] in message
    assert (f"at most {DEFAULTS[limit]}" in message
            or f"more than {DEFAULTS[limit]}" in message)


@pytest.mark.usefixtures("with_plugins")
@pytest.mark.ckan_config("ckanext.opdc_kpi.search.max_sort_clauses", "2")
@pytest.mark.ckan_config("ckanext.opdc_kpi.search.max_facet_fields", "0")
def test_the_sites_own_values_are_the_limits(app, site):
    _search(app, 200, sort="name asc, id desc")
    error = _search(app, 409, sort="name asc, id desc, title_string asc")["error"]
    assert "at most 2" in error["sort"][0]
    # 0: no limit on the number of facet fields (the other limits still hold)
    fields = PAGE_FACETS + [f"vocab_v{i}" for i in range(60)]
    assert _search(app, 200, rows=0, **{"facet.field": fields})["result"]["facets"]["tags"]


@pytest.mark.usefixtures("with_plugins")
def test_fq_list_must_be_a_list_of_strings_and_one_string_is_one_entry(app, site):
    error = _search(app, 409, fq_list={"a": 1})["error"]
    assert "list of strings" in error["fq_list"][0]
    found = app.get("/api/3/action/package_search", query_string={"fq_list": "tags:road"})
    assert [d["name"] for d in found.json["result"]["results"]] == ["limits-two"]


@pytest.mark.usefixtures("with_plugins")
@pytest.mark.parametrize("url, key", [
    ("/dataset/?sort=" + ",".join(["name asc"] * 11), KEY["sort_clauses"]),
    ("/dataset/?q=" + "+".join(["w"] * 1025), KEY["clauses"]),
    ("/dataset/?" + "&".join(f"tags=t{i}" for i in range(1025)), KEY["clauses"]),
    ("/organization/limits-org?q=" + "+".join(["w"] * 1025), KEY["clauses"]),
    ("/organization/limits-org?sort=" + ",".join(["name asc"] * 11), KEY["sort_clauses"]),
], ids=["dataset sort", "dataset q", "dataset facet filters", "organization q",
        "organization sort"])
def test_pages_answer_400_naming_the_limit(app, site, url, key):
    response = app.get(url, status=400)
    body = response.get_data(as_text=True)
    assert key in body and "Too many" in body


@pytest.mark.usefixtures("with_plugins")
def test_the_page_says_it_in_thai_and_the_api_in_english(app, site):
    thai = app.get("/th/dataset/?sort=" + ",".join(["name asc"] * 11), status=400)
    assert "เงื่อนไขการเรียงลำดับ" in thai.get_data(as_text=True)
    english = _search(app, 409, sort=",".join(["name asc"] * 11))["error"]["sort"][0]
    assert english.startswith("Too many sort clauses: 11 (at most 10")


@pytest.mark.usefixtures("with_plugins")
def test_the_refusal_page_is_titled_in_thai_and_leads_back_to_the_search(app, site):
    """Not a dead end: the title in the page's language, and a button to the
    same search page without the refused query."""
    from bs4 import BeautifulSoup

    page = BeautifulSoup(app.get("/th/dataset/?sort=" + ",".join(["name asc"] * 11),
                                 status=400).get_data(as_text=True), "html.parser")
    assert "คำขอไม่ถูกต้อง" in page.select_one("article.module h1").get_text()
    (button,) = [a for a in page.select("a.btn") if "เริ่มค้นหาใหม่" in a.get_text()]
    assert button["href"].rstrip("/") == "/th/dataset"
    english = BeautifulSoup(app.get("/organization/limits-org?sort=" + ",".join(
        ["name asc"] * 11), status=400).get_data(as_text=True), "html.parser")
    (button,) = [a for a in english.select("a.btn") if "Start a new search" in a.get_text()]
    assert button["href"] == "/organization/limits-org"

def test_each_limit_is_declared_and_documented_with_its_default():
    import yaml

    root = pathlib.Path(__file__).resolve().parents[1]
    declaration = yaml.safe_load((root / "ckanext/opdc_kpi/config_declaration.yaml").read_text())
    declared = {o["key"]: o for g in declaration["groups"] for o in g["options"]}
    readme = (root / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### Request limits"):]
    for limit, (key, default) in LIMITS.items():
        assert declared[key]["default"] == default and declared[key]["type"] == "int"
        assert f"| `{key}` | {default:,} |" in section
