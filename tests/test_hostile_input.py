"""Input out of range, of the wrong type, oversized or repeated gets a 4xx
with a message in the page's language, never a 500."""
from __future__ import annotations

import pytest

from ckan.tests import factories

from .factories_dga import dga_dataset_dict

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")


@pytest.fixture
def site():
    sysadmin = factories.SysadminWithToken()
    org = factories.Organization(focus_areas=["tourism"])
    factories.Dataset(**dga_dataset_dict(owner_org=org["id"], name="open-one"))
    return {"sysadmin": sysadmin, "org": org}


def _get(app, url, user):
    return app.get(url, headers={"Authorization": user["token"]}, follow_redirects=False)


@pytest.mark.parametrize("year", ["99999", "-1", "2400", "abc", "2565.5", "1e9", "9" * 400, ""])
def test_a_year_out_of_range_is_a_400_on_both_pages(app, site, year):
    for url in (f"/organization/{site['org']['name']}/kpi?year={year}",
                f"/ckan-admin/opdc-kpi?year={year}",
                f"/organization/{site['org']['name']}/kpi?year={year}&format=csv",
                f"/organization/{site['org']['name']}/kpi/assessments?year={year}"):
        response = _get(app, url, site["sysadmin"])
        expected = (200,) if year == "" else (400,)
        assert response.status_code in expected, (url, response.status_code)
        if year:
            assert "2550" in response.get_data(as_text=True) or "Buddhist" in \
                response.get_data(as_text=True), url


def test_the_message_is_in_the_pages_language(app, site):
    thai = _get(app, f"/th/organization/{site['org']['name']}/kpi?year=99999", site["sysadmin"])
    assert thai.status_code == 400
    assert "กรอกปีงบประมาณ พ.ศ." in thai.get_data(as_text=True)
    english = _get(app, "/ckan-admin/opdc-kpi?year=-1", site["sysadmin"])
    assert english.status_code == 400
    assert "Enter a fiscal year in the Buddhist era" in english.get_data(as_text=True)


def test_repeated_and_unknown_parameters(app, site):
    url = f"/organization/{site['org']['name']}/kpi"
    repeated = _get(app, url + "?year=2565&year=99999", site["sysadmin"])
    assert repeated.status_code == 200    # the first value counts, as Flask's args.get
    assert '<option value="2565" selected' in repeated.get_data(as_text=True)
    assert _get(app, url + "?format=pdf", site["sysadmin"]).status_code == 400
    wrong_type = _get(app, url + "?live=maybe", site["sysadmin"])
    assert wrong_type.status_code == 400 and "live: use true or false" in wrong_type.get_data(
        as_text=True)
    live = _get(app, url + "?live=true", site["sysadmin"])
    assert live.status_code == 200 and "opdc-kpi-ladder" in live.get_data(as_text=True)
    assert _get(app, "/organization/no-such-org/kpi", site["sysadmin"]).status_code == 404


def _post(app, url, user, data):
    return app.post(url, headers={"Authorization": user["token"]}, data=data,
                    content_type="multipart/form-data", follow_redirects=False)


def test_a_bad_or_oversized_upload_is_a_4xx_with_the_message(app, site, monkeypatch):
    import io

    from ckanext.opdc_kpi.views import workbooks as workbook_views

    url = f"/organization/{site['org']['name']}/import"
    missing = _post(app, url, site["sysadmin"], {"run": "check"})
    assert missing.status_code == 400
    assert "Choose an .xlsx workbook" in missing.get_data(as_text=True)
    garbage = _post(app, url, site["sysadmin"],
                    {"workbook": (io.BytesIO(b"not a workbook"), "x.xlsx")})
    assert garbage.status_code == 400
    monkeypatch.setattr(workbook_views, "MAX_BYTES", 4)
    big = _post(app, url, site["sysadmin"], {"workbook": (io.BytesIO(b"0123456789"), "x.xlsx")})
    assert big.status_code == 413


def test_a_refused_assessor_form_is_a_400_with_the_field_error(app, site):
    response = _post(app, "/ckan-admin/opdc-kpi/assessors", site["sysadmin"],
                     {"user": "no-such-user-anywhere", "parts": "basic_standard"})
    assert response.status_code == 400


def test_a_nul_character_is_a_400_or_409_never_a_database_error(app, site):
    org = site["org"]["name"]
    for url in (f"/organization/{org}/kpi?year=%00", f"/organization/%00/kpi",
                f"/organization/{org}/kpi/assessments?year=2565%00"):
        assert _get(app, url, site["sysadmin"]).status_code == 400, url
    deleted = _post(app, f"/organization/{org}/kpi/assessment/%00/delete", site["sysadmin"], {})
    assert deleted.status_code == 400
    for action, body in (("opdc_kpi_confirmation_delete", {"id": "\x00"}),
                         ("opdc_kpi_assessor_delete", {"user": "a\x00"}),
                         ("opdc_kpi_score", {"id": "\x00", "fiscal_year": 2565}),
                         ("opdc_kpi_harvest_check", {"id": org, "as_user": "\x00"})):
        response = app.post(f"/api/3/action/{action}", json=body,
                            headers={"Authorization": site["sysadmin"]["token"]})
        assert response.status_code == 409, (action, response.status_code)
        assert "NUL" in response.get_data(as_text=True)


def test_wrong_types_found_by_the_fuzz_test_are_409(app, site):
    for body in ({"user": True}, {"user": ["a"]}, {"user": {"a": 1}}, {}):
        response = app.post("/api/3/action/opdc_kpi_assessor_delete", json=body,
                            headers={"Authorization": site["sysadmin"]["token"]})
        assert response.status_code in (404, 409), (body, response.status_code)


@pytest.mark.parametrize("action", [
    "opdc_kpi_confirmation_list", "opdc_kpi_score", "opdc_kpi_score_list",
    "opdc_kpi_harvest_check"])
@pytest.mark.parametrize("flag", [[], {"a": 1}, 2.5, "maybe"])
def test_a_flag_that_is_no_true_or_false_is_a_field_error(app, site, action, flag):
    # found by the fuzz test: CKAN's boolean_validator answered a list with a 500
    key = {"opdc_kpi_confirmation_list": "current_only",
           "opdc_kpi_harvest_check": "record"}.get(action, "public_only")
    body = {"id": site["org"]["name"], key: flag}
    if action == "opdc_kpi_score_list":
        body.pop("id")
    response = app.post(f"/api/3/action/{action}", json=body,
                        headers={"Authorization": site["sysadmin"]["token"]})
    assert response.status_code == 409, (action, flag, response.status_code)
    assert key in response.json["error"], response.json


HUGE = "9" * 5000    # Python refuses int() of a text over 4,300 digits (ValueError)


def test_a_number_of_more_than_4300_digits_is_a_400(app, site):
    org, user = site["org"]["name"], site["sysadmin"]
    for url in (f"/organization/{org}/kpi?page={HUGE}", f"/ckan-admin/opdc-kpi?page={HUGE}",
                f"/organization/{org}/kpi?year={HUGE}", f"/ckan-admin/opdc-kpi?year={HUGE}",
                f"/organization/{org}/kpi/assessments?year={HUGE}"):
        response = _get(app, url, user)
        assert response.status_code == 400, (url[:60], response.status_code)
    posted = app.post(f"/organization/{org}/kpi/assessment", headers={
        "Authorization": user["token"]}, data={
        "fiscal_year": HUGE, "criterion": "open_license", "action": "confirm"})
    assert posted.status_code == 400
    assert "Enter a fiscal year in the Buddhist era" in posted.get_data(as_text=True)
    for action in ("opdc_kpi_score", "opdc_kpi_confirmation_list"):
        answer = app.post(f"/api/3/action/{action}", json={"id": org, "fiscal_year": HUGE},
                          headers={"Authorization": user["token"]})
        assert answer.status_code == 409 and "fiscal_year" in answer.json["error"], action


def test_a_resource_format_too_long_for_the_search_index_is_a_field_error(app, site):
    """A format is one facet value of the search index: one of a few thousand
    characters was more than the index takes, and the save failed (a 503
    "try again" on the PostgreSQL search). It is a field error naming the
    format, in Thai on a Thai request; nothing is stored."""
    import random

    pkg = factories.Dataset(**dga_dataset_dict(owner_org=site["org"]["id"], name="long-format"))
    headers = {"Authorization": site["sysadmin"]["token"]}
    letters = random.Random(29).choices("abcdefghijklmnopqrstuvwxyz", k=3000)
    for fmt in ("".join(letters), "ก" * 201):
        answer = app.post("/th/api/3/action/resource_create", headers=headers, json={
            "package_id": pkg["id"], "url": "https://data.example.go.th/x.csv", "format": fmt})
        assert answer.status_code == 409, (answer.status_code, answer.get_data(as_text=True)[-300:])
        assert "ยาวเกินไป" in " ".join(answer.json["error"]["format"])
    patched = app.post("/api/3/action/package_patch", headers=headers, json={
        "id": pkg["id"], "resources": [{"url": "https://data.example.go.th/x.csv",
                                        "format": "x" * 3000}]})
    assert patched.status_code == 409
    assert "too long" in str(patched.json["error"])
    shown = app.get(f"/api/3/action/package_show?id={pkg['id']}", headers=headers).json["result"]
    assert [r["format"] for r in shown["resources"]] == [r["format"] for r in pkg["resources"]]
    # the longest format a site may use is stored and found
    fine = app.post("/api/3/action/resource_create", headers=headers, json={
        "package_id": pkg["id"], "url": "https://data.example.go.th/y.csv", "format": "ก" * 200})
    assert fine.status_code == 200, fine.get_data(as_text=True)[-300:]
    found = app.get("/api/3/action/package_search?fq=" + "res_format:" + "ก" * 200).json
    assert found["result"]["count"] == 1


def test_a_stored_format_longer_than_the_index_takes_is_still_indexed_and_found(app, site):
    """A dataset made before the format's length limit (a legacy site's
    free-text format of thousands of characters, written here through the
    model) is still indexed when it is saved again, and a filter by its
    whole format finds it (the search table keeps the value cut to
    MAX_FACET_BYTES, the lookup cuts it the same way)."""
    from ckan import model
    from ckan.lib.search import rebuild

    pkg = factories.Dataset(**dga_dataset_dict(owner_org=site["org"]["id"], name="legacy-format"))
    import random

    # 4,000 characters drawn at random (they do not compress below the index's limit)
    alphabet = [chr(c) for c in range(0x0E01, 0x0E2F)] + list("abcdefghijklmnopqrstuvwxyz0123456789")
    fmt = "".join(random.Random(31).choices(alphabet, k=4000))
    resource = model.Resource.get(pkg["resources"][0]["id"])
    resource.format = fmt
    model.repo.commit()
    rebuild(pkg["id"])
    headers = {"Authorization": site["sysadmin"]["token"]}
    patched = app.post("/api/3/action/package_patch", headers=headers,
                       json={"id": pkg["id"], "title": "ชุดข้อมูลเดิม"})
    assert patched.status_code == 200, patched.get_data(as_text=True)[-500:]
    found = app.post("/api/3/action/package_search", json={
        "fq": f'res_format:"{fmt}"', "facet.field": ["res_format"]}).json["result"]
    assert [d["name"] for d in found["results"]] == ["legacy-format"]
    (item,) = [i for i in found["search_facets"]["res_format"]["items"]
               if fmt.startswith(i["name"]) and len(i["name"]) > 100]
    assert item["count"] == 1


def test_a_title_too_long_for_the_database_is_a_field_error(app, site):
    """CKAN's own index on the title holds 2,704 bytes: a Thai title of a few
    thousand letters that compresses badly made the save a database error
    (a 500). It is a field error naming the title, in Thai on a Thai request,
    on create and on update; the longest title allowed is stored and found."""
    import random

    headers = {"Authorization": site["sysadmin"]["token"]}
    rng = random.Random(31)
    long_title = "".join(chr(rng.randrange(0x0E01, 0x0E2F)) for _ in range(6000))
    data = dga_dataset_dict(owner_org=site["org"]["id"], name="long-title", title=long_title)
    answer = app.post("/th/api/3/action/package_create", headers=headers, json=data)
    assert answer.status_code == 409, (answer.status_code, answer.get_data(as_text=True)[-300:])
    assert "ยาวเกินไป" in " ".join(answer.json["error"]["title"])
    fine = app.post("/api/3/action/package_create", headers=headers,
                    json=dict(data, title=long_title[:500]))
    assert fine.status_code == 200, fine.get_data(as_text=True)[-300:]
    patched = app.post("/api/3/action/package_patch", headers=headers,
                       json={"id": "long-title", "title": long_title})
    assert patched.status_code == 409 and "too long" in str(patched.json["error"]["title"])
    found = app.get("/api/3/action/package_search?q=name:long-title").json["result"]
    assert [d["title"] for d in found["results"]] == [long_title[:500]]
