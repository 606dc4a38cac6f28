"""The remote tool against this project's own catalog, served on loopback:
its score equals the local opdc_kpi_score public view."""
from __future__ import annotations

import pytest

from ckan.tests import factories, helpers

from ckanext.opdc_kpi.remote import assess
from ckanext.opdc_kpi.remote.client import CkanClient

from ..browser.conftest import live_server  # noqa: F401 - the served catalog fixture
from ..factories_dga import dga_dataset_dict

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")


def test_remote_score_equals_the_local_public_view(live_server):  # noqa: F811
    org = factories.Organization(focus_areas=["tourism", "health"],
                                 catalog_url="https://catalog.example.go.th")
    made = [
        dga_dataset_dict(owner_org=org["id"], mission="ภารกิจ", work_process="กระบวนการ",
                         single_source_of_truth="True",
                         use_case_url="https://report.example.go.th/1",
                         use_case_description="ใช้วางแผน"),
        dga_dataset_dict(owner_org=org["id"], private=True, title="ชุดข้อมูลภายในเท่านั้น"),
        dga_dataset_dict(owner_org=org["id"], focus_area="health", resources=[
            {"name": "xls", "url": "https://data.example.go.th/a.xls", "format": "XLS"}]),
        dga_dataset_dict(owner_org=org["id"], data_category="ข้อมูลส่วนบุคคล",
                         license_id="License not specified"),
        dga_dataset_dict(owner_org=org["id"], kpi_years=[2564, 2565]),
        dga_dataset_dict(owner_org=org["id"], kpi_years=[2566]),
    ]
    for data in made:
        factories.Dataset(**data)

    remote = assess.score_catalog(CkanClient(live_server, retries=0), org["name"], 2565,
                                  lang="en")
    source = remote.pop("source")
    local = helpers.call_action("opdc_kpi_score", {"user": factories.Sysadmin()["name"]},
                                id=org["id"], fiscal_year=2565, public_only=True)
    assert remote == local
    assert source["authenticated"] is False and source["datasets_read"] == 5
    assert "ชุดข้อมูลภายในเท่านั้น" not in str(remote)
    assert remote["basket"] == 4 and remote["level"] == "standard"
