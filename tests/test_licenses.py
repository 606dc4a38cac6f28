"""The licence register the extension ships: the agency strings as ids, so
license_title and isopen work without changing stored values."""
import pytest

from ckan.tests import helpers

from ckanext.opdc_kpi.scoring.choices import CHOICES, OPEN_LICENSES

from .factories_dga import dga_dataset

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")


def test_every_agency_licence_is_registered_and_open_as_the_kpi_counts_it():
    registered = {lic["id"]: lic for lic in helpers.call_action("license_list")}
    for choice in CHOICES["license_id"]:
        assert choice.value in registered, choice.value
        lic = registered[choice.value]
        assert (lic["od_conformance"] == "approved") is (choice.value in OPEN_LICENSES)
        assert lic.get("title_th")
    # CKAN's own licences stay, so datasets that use them keep their titles
    assert {"cc-by", "odc-odbl", "notspecified", "other-closed"} <= set(registered)


@pytest.mark.parametrize("licence, is_open", [
    ("Creative Commons Attributions", True), ("DGA Open Government License", True),
    ("License not specified", False), ("Creative Commons Attribution No-Derivs", False)])
def test_license_title_and_isopen_from_the_stored_value(licence, is_open):
    dataset = dga_dataset(license_id=licence)
    shown = helpers.call_action("package_show", id=dataset["id"])
    assert shown["license_id"] == licence
    assert shown["license_title"] == licence
    assert shown["isopen"] is is_open
