"""KPI pages through CKAN's app client: who sees what, the figures, exports."""
from __future__ import annotations

import pytest

from ckan.tests import factories

from ckanext.opdc_kpi.logic import site as rules

from .export_support import read_csv, read_xlsx
from .factories_dga import dga_dataset_dict

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")

SECRET_TITLE = "ชุดข้อมูลลับเฉพาะภายในหน่วยงาน"


@pytest.fixture
def catalog():
    admin = factories.UserWithToken()
    member = factories.UserWithToken()
    org = factories.Organization(
        title="สำนักงานทดสอบ", focus_areas=["tourism"], catalog_url="https://c.example.go.th",
        users=[{"name": admin["name"], "capacity": "admin"},
               {"name": member["name"], "capacity": "member"}])
    factories.Dataset(**dga_dataset_dict(owner_org=org["id"], name="open-one",
                                         mission="ภารกิจ", work_process="กระบวนการ"))
    factories.Dataset(**dga_dataset_dict(owner_org=org["id"], name="secret-one",
                                         title=SECRET_TITLE, private=True))
    factories.Dataset(**dga_dataset_dict(owner_org=org["id"], name="newer", kpi_years=[2566]))
    other = factories.Organization(title="หน่วยงานอื่น")
    return {"org": org, "admin": admin, "member": member, "other": other,
            "sysadmin": factories.SysadminWithToken(), "stranger": factories.UserWithToken()}


def _get(app, url, user=None, **kwargs):
    headers = {"Authorization": user["token"]} if user else {}
    return app.get(url, headers=headers, follow_redirects=False, **kwargs)


def test_admin_page_for_sysadmins_and_assessors_only(app, catalog, ckan_config, monkeypatch):
    monkeypatch.setitem(ckan_config, "ckanext.opdc_kpi.assessors", [catalog["member"]["name"]])
    page = _get(app, "/ckan-admin/opdc-kpi?year=2565", catalog["sysadmin"])
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "สำนักงานทดสอบ" in text and "หน่วยงานอื่น" in text
    assert text.count('<figure class="opdc-kpi-chart ') == 2
    assert "cdn." not in text.lower()  # charts are HTML and CSS: nothing loaded from elsewhere
    as_assessor = _get(app, "/ckan-admin/opdc-kpi?year=2565", catalog["member"])
    assert as_assessor.status_code == 200
    assert "สำนักงานทดสอบ" in as_assessor.get_data(as_text=True)
    assert _get(app, "/ckan-admin/opdc-kpi", catalog["admin"]).status_code == 403
    anonymous = _get(app, "/ckan-admin/opdc-kpi")
    assert anonymous.status_code == 302 and "/user/login" in anonymous.headers["Location"]


def test_pages_open_on_the_most_recent_year_with_a_basket(app, catalog):
    page = _get(app, "/ckan-admin/opdc-kpi", catalog["sysadmin"]).get_data(as_text=True)
    expected = max(y for y in (2566, 2565) if y <= rules.current_fiscal_year() + 1)
    assert f'<option value="{expected}" selected>' in page
    org_page = _get(app, f"/organization/{catalog['org']['name']}/kpi",
                    catalog["admin"]).get_data(as_text=True)
    assert f'<option value="{expected}" selected>' in org_page


def test_organization_page_shows_the_ladder_reasons_and_fixes(app, catalog):
    page = _get(app, f"/organization/{catalog['org']['name']}/kpi?year=2565", catalog["admin"])
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "opdc-kpi-ladder" in text and 'data-code="basic_passed"' in text
    assert SECRET_TITLE in text            # members see their private datasets
    assert "opdc-kpi-fixes" in text         # openness / use can still gain points
    assert "/dataset/edit/open-one" in text


def test_strangers_never_see_private_titles(app, catalog, ckan_config, monkeypatch):
    url = f"/organization/{catalog['org']['name']}/kpi?year=2565"
    assert _get(app, url, catalog["stranger"]).status_code == 403
    assert _get(app, url).status_code == 302
    monkeypatch.setitem(ckan_config, "ckanext.opdc_kpi.public_scores", True)
    for user in (catalog["stranger"], None):
        public = _get(app, url, user)
        assert public.status_code == 200
        text = public.get_data(as_text=True)
        assert SECRET_TITLE not in text and "secret-one" not in text
        assert "Public view" in text or "สาธารณะ" in text
        for fmt in ("csv", "xlsx"):
            export = _get(app, url + f"&format={fmt}", user)
            assert export.status_code == 200
            assert SECRET_TITLE.encode() not in export.data and b"secret-one" not in export.data


def test_exports_parse_and_carry_thai(app, catalog):
    csv_response = _get(app, "/ckan-admin/opdc-kpi?year=2565&format=csv", catalog["sysadmin"])
    assert csv_response.data.startswith("\ufeff".encode("utf-8"))
    by_name = {r["URL name"]: r for r in read_csv(csv_response.data)[1]}
    assert by_name[catalog["org"]["name"]]["Organization"] == "สำนักงานทดสอบ"
    xlsx = _get(app, f"/organization/{catalog['org']['name']}/kpi?year=2565&format=xlsx",
                catalog["admin"])
    _first, header, rows = read_xlsx(xlsx.data)
    values = [[c.value for c in row] for row in rows]
    assert header[:2] == ["URL name", "Dataset"]
    assert {v[0] for v in values} >= {"open-one", "secret-one"}
    assert any(SECRET_TITLE == v[1] for v in values)
    assert _get(app, "/ckan-admin/opdc-kpi?format=pdf", catalog["sysadmin"]).status_code == 400


def test_admin_page_sorts_by_a_column(app, catalog):
    text = _get(app, "/ckan-admin/opdc-kpi?year=2565&sort=name&dir=asc",
                catalog["sysadmin"]).get_data(as_text=True)
    table = text[text.index("opdc-kpi-organizations"):]
    first, second = sorted([catalog["org"]["title"], catalog["other"]["title"]],
                           key=lambda t: {catalog["org"]["title"]: catalog["org"]["name"],
                                          catalog["other"]["title"]: catalog["other"]["name"]}[t])
    assert table.index(first) < table.index(second)


def test_dataset_panel_for_editors_only(app, catalog):
    url = "/dataset/open-one"
    assert "opdc-kpi-dataset-panel" in _get(app, url, catalog["admin"]).get_data(as_text=True)
    assert "opdc-kpi-dataset-panel" not in _get(app, url, catalog["stranger"]).get_data(
        as_text=True)


def test_admin_tab_and_organization_tab(app, catalog):
    admin_page = _get(app, "/ckan-admin/", catalog["sysadmin"]).get_data(as_text=True)
    assert "/ckan-admin/opdc-kpi" in admin_page
    org_page = _get(app, f"/organization/{catalog['org']['name']}", catalog["admin"])
    assert f"/organization/{catalog['org']['name']}/kpi" in org_page.get_data(as_text=True)


def test_edit_links_follow_who_may_edit_each_dataset(app, catalog, ckan_config, monkeypatch):
    url = f"/organization/{catalog['org']['name']}/kpi?year=2565"
    admin = _get(app, url, catalog["admin"]).get_data(as_text=True)
    assert "/dataset/edit/open-one" in admin and "/dataset/edit/secret-one" in admin
    member = _get(app, url, catalog["member"]).get_data(as_text=True)
    assert "/dataset/edit/" not in member          # members read, they do not edit
    # a member who is an editor-collaborator of one dataset gets that one link only
    monkeypatch.setitem(ckan_config, "ckan.auth.allow_dataset_collaborators", True)
    from ckan.tests import helpers

    helpers.call_action("package_collaborator_create", id="open-one",
                        user_id=catalog["member"]["id"], capacity="editor")
    member = _get(app, url, catalog["member"]).get_data(as_text=True)
    assert "/dataset/edit/open-one" in member and "/dataset/edit/secret-one" not in member


def test_admin_page_shows_a_page_of_organizations(app, catalog, monkeypatch):
    """At national scale (2,000 organizations) the table and the points
    chart show a page of them; the score distribution counts them all."""
    from ckanext.opdc_kpi.views import kpi as kpi_views

    monkeypatch.setattr(kpi_views, "ADMIN_PAGE_SIZE", 1)
    first = _get(app, "/ckan-admin/opdc-kpi?year=2565&sort=name&dir=asc",
                 catalog["sysadmin"]).get_data(as_text=True)
    second = _get(app, "/ckan-admin/opdc-kpi?year=2565&sort=name&dir=asc&page=2",
                  catalog["sysadmin"]).get_data(as_text=True)
    titles = [catalog["org"]["title"], catalog["other"]["title"]]
    shown = [[t for t in titles if t in page[page.index("opdc-kpi-organizations"):]]
             for page in (first, second)]
    assert len(shown[0]) == len(shown[1]) == 1 and shown[0] != shown[1]
    assert "page=2" in first
    assert _get(app, "/ckan-admin/opdc-kpi?year=2565&page=3",
                catalog["sysadmin"]).status_code == 400
