"""The steward's forms: Buddhist-era dates (entered and shown in พ.ศ., stored as ISO CE) and failed saves that keep what was typed."""
import pytest

from ckan.tests import factories, helpers

from ckanext.opdc_kpi import helpers as h

from .factories_dga import dga_dataset_dict


def test_helpers_convert_for_forms_and_pages():
    assert h.opdc_kpi_be_date("2023-12-31") == "2566-12-31"
    assert h.opdc_kpi_be_date("2023-12-31T00:00:00") == "2566-12-31"
    assert h.opdc_kpi_be_date("31/12/2566") == "31/12/2566"  # typed text comes back as is
    assert h.opdc_kpi_long_date("2023-12-31", "th") == "31 ธันวาคม 2566"
    assert h.opdc_kpi_long_date("2024-02-01", "en") == "1 February 2024"


@pytest.mark.usefixtures("with_plugins", "clean_db")
def test_api_takes_buddhist_era_and_package_show_returns_iso(app):
    org = factories.Organization()
    data = dga_dataset_dict(owner_org=org["id"], name="dated", created_date="2566-12-31",
                            last_updated_date="2024-01-15")
    data["resources"][0]["resource_created_date"] = "2567-02-01"
    factories.Dataset(**data)
    shown = helpers.call_action("package_show", id="dated")
    assert shown["created_date"] == "2023-12-31"
    assert shown["last_updated_date"] == "2024-01-15"  # below 2400: already CE
    assert shown["resources"][0]["resource_created_date"] == "2024-02-01"

    sysadmin = factories.SysadminWithToken()
    page = app.get("/th/dataset/dated", headers={"Authorization": sysadmin["token"]})
    assert "31 ธันวาคม 2566" in page.get_data(as_text=True)
    form = app.get("/dataset/edit/dated", headers={"Authorization": sysadmin["token"]})
    assert 'value="2566-12-31"' in form.get_data(as_text=True)


@pytest.mark.usefixtures("with_plugins", "clean_db")
def test_failed_edit_keeps_what_was_typed_and_marks_the_field_in_thai(app):
    user = factories.UserWithToken()
    org = factories.Organization(users=[{"name": user["name"], "capacity": "editor"}])
    data = dga_dataset_dict(owner_org=org["id"], name="to-edit")
    factories.Dataset(**data)
    form = {k: v for k, v in data.items() if isinstance(v, str) and k != "owner_org"}
    form.update(owner_org=org["id"], objective="พันธกิจหน่วยงาน", data_format="CSV",
                kpi_years="2565", title="ชื่อใหม่ที่พิมพ์ไว้", geo_coverage="", save="")
    response = app.post("/th/dataset/edit/to-edit", data=form,
                        headers={"Authorization": user["token"]}, follow_redirects=False)
    text = response.get_data(as_text=True)
    assert response.status_code == 200  # the form again, not a redirect
    assert 'value="ชื่อใหม่ที่พิมพ์ไว้"' in text
    block = text[text.index('id="field-geo_coverage"'):][:3000]
    assert "กรุณาระบุ ขอบเขตเชิงภูมิศาสตร์หรือเชิงพื้นที่" in block
    assert helpers.call_action("package_show", id="to-edit")["title"] == data["title"]
