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
    assert _get(app, url + "?year=2565&year=99999", site["sysadmin"]).status_code == 200
    assert _get(app, url + "?format=pdf", site["sysadmin"]).status_code == 400
    wrong_type = _get(app, url + "?live=maybe", site["sysadmin"])
    assert wrong_type.status_code == 400 and "live: use true or false" in wrong_type.get_data(
        as_text=True)
    assert _get(app, url + "?live=true", site["sysadmin"]).status_code == 200
    assert _get(app, "/organization/no-such-org/kpi", site["sysadmin"]).status_code == 404
