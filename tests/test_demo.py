"""The demo content `make serve` loads: the seed's worked example and the
agencies whose open data reach the advanced parts."""
import pytest

from ckan.tests import factories, helpers

from ckanext.opdc_kpi.demo import loader
from ckanext.opdc_kpi.logic import site as rules

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")


def _score(org, year):
    context = {"user": factories.Sysadmin()["name"], "ignore_auth": False}
    return helpers.call_action("opdc_kpi_score", context, id=org, fiscal_year=year)


def test_demo_reads_70_for_the_worked_example_and_loads_once():
    first = loader.load(echo=lambda line: None)
    assert first["datasets"] >= 6
    for year in (2565, rules.current_fiscal_year()):
        report = _score("opdc", year)
        assert report["score"] == 70.0, year
        assert report["level"] == "basic"
        assert report["parts"]["metadata"]["complete"] == 4
        assert report["parts"]["metadata"]["total"] == 6
    for agency in ("nha", "exat"):
        report = _score(agency, 2565)
        assert report["parts"]["openness"]["points"] > 0
        assert report["parts"]["use"]["points"] == 5
    again = loader.load(echo=lambda line: None)
    assert again == {"organizations": 0, "datasets": 0}
