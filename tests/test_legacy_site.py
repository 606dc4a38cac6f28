"""A site as the older agency extension (ckanext-thai_gdc) leaves it, then
this plugin enabled and ``ckan search-index rebuild`` run.

The datasets are stored as that extension stores them (multiple choices as
JSON-list strings or plain text, yes/no as "True"/"False", values outside
this schema's lists, mandatory items missing, none of the items this schema
added: no focus-area tag, no ``kpi_years``) and indexed by a site without
this plugin (``ckan search-index rebuild`` on an ini with only CKAN's own
plugins). Then, as an agency upgrading does, ``ckan search-index rebuild``
with this plugin: both are subprocesses reaching the test's database and
search index (``CKAN_SQLALCHEMY_URL``, ``CKAN_SOLR_URL``, set by ``make test``).
Runs in both search modes: on Solr (``make test SEARCH=solr``) the index is
the Solr core; on the PostgreSQL search, its table.
"""
from __future__ import annotations

import os
import pathlib
import subprocess
import sys

import pytest
from bs4 import BeautifulSoup
from werkzeug.datastructures import MultiDict

from ckan import model
from ckan.tests import factories, helpers

from ckanext.opdc_kpi.logic.dataset.legacy import canonical
from tests.factories_dga import dga_dataset
from tests.legacy_support import LEGACY, NEW_ITEMS, store_behind_validation
from tests.ini_support import LOGGING
from tests.plugins import SOLR

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")

FOCUS = "vocab_opdc_focus_areas"

#: name -> (fields given at creation, items removed, raw extras set, focus tag dropped)
AGENCY_DATASETS = {
    # complete by the older extension's rules, stored as it stores them
    "agency-complete": ({}, NEW_ITEMS, {
        "objective": '["พันธกิจหน่วยงาน", "ยุทธศาสตร์ชาติ"]',
        "data_format": '["CSV", "อื่นๆ"]', "data_format_other": "GeoJSON, WMS",
        "data_language": '["ไทย", "อังกฤษ"]', "allow_harvest": "True",
        "high_value_dataset": "False", "official_statistics": "True"}, True),
    # mandatory items missing, values outside the lists, plain-text choices
    "agency-gaps": ({}, ("data_source", "geo_coverage", "maintainer") + NEW_ITEMS,
                    LEGACY, True),
    "agency-private": ({"private": True}, NEW_ITEMS,
                       {"allow_harvest": "False", "data_format": '["XLS"]'}, True),
    # already in a KPI basket: focus tag kept, the year as the extension's text
    "agency-basket": ({}, (), {"kpi_years": "2565", "single_source_of_truth": "False",
                              "objective": '["พันธกิจหน่วยงาน"]'}, False),
}


def _ckan(ini: str, *args: str) -> subprocess.CompletedProcess:
    """``ckan -c <ini> ...`` in a subprocess, with the environment of the test
    run (the database and Solr core of this test)."""
    ckan = pathlib.Path(sys.executable).with_name("ckan")
    result = subprocess.run([str(ckan), "-c", ini, *args], capture_output=True, text=True,
                            env=dict(os.environ), timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Error while indexing" not in result.stderr, result.stderr
    return result


def _test_ini(request) -> str:
    ini = os.environ.get("CKAN_INI") or request.config.getoption("ckan_ini")
    return str(pathlib.Path(ini).resolve())


def _older_site_ini(tmp_path: pathlib.Path, ini: str) -> str:
    """The same site without this extension (and without ckanext-scheming,
    whose schema was the older extension's): CKAN's own plugins only."""
    plugins = "activity" if SOLR else "activity opdc_kpi_pgsearch"
    path = tmp_path / "older-site.ini"
    path.write_text(f"[app:main]\nuse = config:{ini}\nckan.plugins = {plugins}\n{LOGGING}",
                    encoding="utf-8")
    return str(path)


def _score(org_id: str) -> dict:
    site_user = helpers.call_action("get_site_user")["name"]
    return helpers.call_action("opdc_kpi_score", context={"user": site_user},
                               id=org_id, fiscal_year=2565)


@pytest.fixture
def agency_site(request, tmp_path):
    """The catalog: the older extension's datasets and one saved with this
    schema, indexed by the older site, then rebuilt with this plugin."""
    editor = factories.UserWithToken()
    org = factories.Organization(focus_areas=["tourism"],
                                 catalog_url="https://catalog.example.go.th",
                                 users=[{"name": editor["name"], "capacity": "editor"}])
    for name, (fields, remove, raw, drop_focus) in AGENCY_DATASETS.items():
        pkg = dga_dataset(owner_org=org["id"], name=name, **fields)
        store_behind_validation(pkg["id"], remove=remove, set_=raw,
                                drop_focus_tag=drop_focus, reindex=False)
    dga_dataset(owner_org=org["id"], name="current", focus_area="health",
                mission="ภารกิจ", work_process="กระบวนการ")
    ini = _test_ini(request)
    before = _score(org["id"])
    _ckan(_older_site_ini(tmp_path, ini), "search-index", "rebuild")
    older_index = {d["name"]: d for d in _search(
        fq=f'owner_org:"{org["id"]}"', include_private=True, rows=100)["results"]}
    rebuilt = _ckan(ini, "search-index", "rebuild")
    return {"org": org, "editor": editor, "score_before": before, "rebuild": rebuilt,
            "older_index": older_index}


def _search(**params) -> dict:
    return helpers.call_action("package_search", context={"ignore_auth": True}, **params)


# --- readable and searchable ------------------------------------------------------

def test_every_dataset_is_readable_searchable_and_scored_after_the_rebuild(app, agency_site):
    # what the index held before: the older site's documents (its fields as
    # CKAN extras, no focus area), in the test's own index
    older = agency_site["older_index"]
    assert set(older) == set(AGENCY_DATASETS) | {"current"}
    extras = {e["key"]: e["value"] for e in older["agency-complete"]["extras"]}
    assert extras["objective"] == '["พันธกิจหน่วยงาน", "ยุทธศาสตร์ชาติ"]'
    assert extras["allow_harvest"] == "True" and "objective" not in older["agency-complete"]

    org, editor = agency_site["org"], agency_site["editor"]
    headers = {"Authorization": editor["token"]}
    names = set(AGENCY_DATASETS) | {"current"}
    for name in names:
        shown = helpers.call_action("package_show", id=name)
        assert shown["name"] == name
        assert app.get(f"/dataset/{name}", headers=headers).status_code == 200
        found = _search(fq=f'name:"{name}"', include_private=True)
        assert [d["name"] for d in found["results"]] == [name], name
    gaps = helpers.call_action("package_show", id="agency-gaps")
    assert gaps["objective"] == ["แผนงานเดิม"] and gaps["data_category"] == "ข้อมูลเปิด"
    complete = helpers.call_action("package_show", id="agency-complete")
    assert complete["objective"] == ["พันธกิจหน่วยงาน", "ยุทธศาสตร์ชาติ"]
    assert complete["allow_harvest"] == "True" and "focus_area" not in complete
    # the index now holds this schema's documents
    indexed = _search(fq='name:"agency-complete"')["results"][0]
    assert indexed["objective"] == ["พันธกิจหน่วยงาน", "ยุทธศาสตร์ชาติ"]

    everything = _search(q="*:*", fq=f'owner_org:"{org["id"]}"', include_private=True,
                         rows=100, **{"facet.field": [FOCUS, "res_format"]})
    assert {d["name"] for d in everything["results"]} == names
    assert everything["facets"][FOCUS] == {"tourism": 1, "health": 1}
    public = _search(q="*:*", fq=f'owner_org:"{org["id"]}"', rows=100)
    assert {d["name"] for d in public["results"]} == names - {"agency-private"}
    tourism = _search(fq=f'{FOCUS}:"tourism"', rows=100)
    assert [d["name"] for d in tourism["results"]] == ["agency-basket"]
    # an English word, and a Thai word standing between spaces: both backends
    assert "agency-complete" in {d["name"] for d in _search(q="GeoJSON")["results"]}
    assert {d["name"] for d in _search(q="จำแนกรายจังหวัด", rows=100)["results"]} == \
        names - {"agency-private"}
    page = app.get(f"/organization/{org['name']}", headers=headers)
    assert page.status_code == 200
    assert all(f"/dataset/{name}" in page.get_data(as_text=True) for name in names)
    listing = app.get("/dataset/", query_string={FOCUS: "health"})
    assert listing.status_code == 200 and "/dataset/current" in listing.get_data(as_text=True)

    # scored: the same report before and after the rebuild (the score reads
    # the database, not the index): the basket is the one dataset with a
    # focus area and a year; the older extension's others are outside it
    after = _score(org["id"])
    ignore = {"computed_at", "generated_at"}
    assert {k: v for k, v in after.items() if k not in ignore} == \
        {k: v for k, v in agency_site["score_before"].items() if k not in ignore}
    assert [d["name"] for d in after["datasets"]] == ["agency-basket"]
    assert after["parts"]["metadata"]["complete"] == 1


# --- editable ----------------------------------------------------------------------

def _form_fields(html: str) -> MultiDict:
    """What a browser would send from the dataset form as it was rendered."""
    form = BeautifulSoup(html, "html.parser").select_one("form#dataset-edit")
    assert form is not None
    data = MultiDict()
    for field in form.select("input[name], textarea[name], select[name]"):
        name = field["name"]
        if field.name == "textarea":
            data.add(name, field.get_text())
        elif field.name == "select":
            chosen = field.select("option[selected]") or field.select("option")[:1]
            for option in chosen:
                data.add(name, option.get("value", option.get_text()))
        elif field.get("type") in ("checkbox", "radio"):
            if field.has_attr("checked"):
                data.add(name, field.get("value", "on"))
        elif field.get("type") not in ("submit", "button", "file"):
            data.add(name, field.get("value", ""))
    return data


def _edit(app, name: str, headers: dict, **changes):
    """The edit form as rendered, ``changes`` applied (a list: several
    values), posted as a browser would."""
    page = app.get(f"/dataset/edit/{name}", headers=headers)
    assert page.status_code == 200
    data = _form_fields(page.get_data(as_text=True))
    for key, value in changes.items():
        data.setlist(key, value if isinstance(value, list) else [value])
    data["save"] = ""
    return app.post(f"/dataset/edit/{name}", data=data, headers=headers,
                    follow_redirects=False)


def _errors(response) -> dict[str, str]:
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    return {block.find_parent(class_="form-group").select_one("[name]")["name"]:
            block.get_text(" ", strip=True)
            for block in soup.select(".form-group .error-block")}


def _stored(name: str) -> dict:
    """The dataset's stored extras, each in a comparable form: a save writes
    a valid list in ckanext-scheming's encoding and the list's order (a year
    "2565" as [2565]); an untouched legacy value is written back as it was."""
    return {key: canonical(value) for key, value in model.Package.get(name).extras.items()}


def test_the_edit_form_shows_what_was_stored_and_saves_give_field_errors_not_500(app, agency_site):
    headers = {"Authorization": agency_site["editor"]["token"]}
    page = app.get("/dataset/edit/agency-gaps", headers=headers)
    soup = BeautifulSoup(page.get_data(as_text=True), "html.parser")
    chosen = soup.select_one("select[name=data_category] option[selected]")
    assert chosen["value"] == "ข้อมูลเปิด" and "not in the list" in chosen.get_text()
    assert soup.select_one("input[name=objective][value=แผนงานเดิม]").has_attr("checked")
    assert soup.select_one("input[name=kpi_years]")["value"] == "ปีงบ 65"
    assert soup.select_one("input[name=update_frequency_interval]")["value"] == "ทุกปี"

    for name in AGENCY_DATASETS:
        before = _stored(name)
        response = _edit(app, name, headers)
        assert response.status_code == 302, (name, _errors(response))
        after = _stored(name)
        assert {k: after.get(k) for k in before} == before, name
    # the gaps stay gaps (blank, as a form saves an empty field): no error for
    # what the edit did not touch (README, "Legacy data")
    gaps = model.Package.get("agency-gaps")
    assert not gaps.extras.get("data_source") and not gaps.extras.get("geo_coverage")
    assert not gaps.maintainer

    # a save breaking an item: field errors, the form again with the typing
    # kept, nothing saved
    response = _edit(app, "agency-gaps", headers, title="ชื่อที่พิมพ์ใหม่",
                     maintainer_email="", geo_coverage="ไม่อยู่ในรายการ")
    assert response.status_code == 200
    assert set(_errors(response)) == {"maintainer_email", "geo_coverage"}
    assert 'value="ชื่อที่พิมพ์ใหม่"' in response.get_data(as_text=True)
    assert model.Package.get("agency-gaps").title != "ชื่อที่พิมพ์ใหม่"
    # a value never stored is not offered as a "stored value"
    shown_again = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert not shown_again.select("select[name=geo_coverage] option[value=ไม่อยู่ในรายการ]")
    assert shown_again.select_one("select[name=data_category] option[selected]")["value"] == \
        "ข้อมูลเปิด"
    # the form shown again still carries what the schema does not declare
    again = _form_fields(response.get_data(as_text=True))
    assert (again["extras__0__key"], again["extras__0__value"]) == (
        "legacy_only_field", LEGACY["legacy_only_field"])


def test_filling_the_missing_items_puts_the_dataset_in_the_basket(app, agency_site):
    org, headers = agency_site["org"], {"Authorization": agency_site["editor"]["token"]}
    new_items = {"focus_area": "tourism", "kpi_years": "2565", "mission": "ภารกิจ",
                 "work_process": "กระบวนการ"}
    response = _edit(app, "agency-gaps", headers, data_source="กรมการท่องเที่ยว",
                     geo_coverage="จังหวัด", maintainer="กองสถิติ", update_frequency_interval="1",
                     data_category="ข้อมูลสาธารณะ", objective=["พันธกิจหน่วยงาน"], **new_items)
    assert response.status_code == 302, _errors(response)
    response = _edit(app, "agency-complete", headers, **new_items)
    assert response.status_code == 302, _errors(response)
    stored = model.Package.get("agency-complete").extras
    assert stored["allow_harvest"] == "True" and stored["official_statistics"] == "True"
    assert stored["data_format_other"] == "GeoJSON, WMS"

    shown = helpers.call_action("package_show", id="agency-gaps")
    assert shown["focus_area"] == "tourism" and shown["objective"] == ["พันธกิจหน่วยงาน"]
    found = _search(fq=f'{FOCUS}:"tourism"', rows=100, **{"facet.field": [FOCUS]})
    assert {d["name"] for d in found["results"]} == {
        "agency-basket", "agency-gaps", "agency-complete"}
    assert found["facets"][FOCUS] == {"tourism": 3}
    report = _score(org["id"])
    missing = {d["name"]: d["missing"] for d in report["datasets"]}
    assert missing == {"agency-basket": [], "agency-gaps": [], "agency-complete": []}
    assert report["parts"]["metadata"]["complete"] == 3
