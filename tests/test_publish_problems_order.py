"""Stage 2's "cannot be published yet" list names the items in the order of
the standard's 14 items (the order of the dataset form and of its
completeness panel: 1. data type ... 14. licence), then the other fields,
then the resources; CKAN hands the errors over sorted by field key, which
put "data category" (item 13) first and the licence between the contact's
name and the tags."""
import pytest

from ckanext.opdc_kpi import helpers

pytestmark = pytest.mark.usefixtures("with_plugins")


def test_refused_items_are_listed_in_the_order_of_the_fourteen_items(app):
    required = ["Missing value"]
    errors = {key: required for key in sorted([
        "data_category", "data_format", "data_source", "data_type", "focus_area",
        "geo_coverage", "license_id", "maintainer", "maintainer_email", "notes",
        "objective", "tag_string", "update_frequency_unit"])}
    errors["resources"] = [{"url": required}]
    pkg = {"name": "thabian-rongrian", "id": "an-id", "type": "dataset",
           "resources": [{"id": "r-1", "name": "CSV"}]}
    with app.flask_app.test_request_context("/dataset/thabian-rongrian/resource/new"):
        problems = helpers.opdc_kpi_publish_problems(errors, pkg)
    anchors = [p["href"].rsplit("#opdc-kpi-field-", 1)[-1] if "#" in p["href"] else "resource"
               for p in problems]
    assert anchors == ["data_type", "maintainer", "maintainer_email", "tag_string", "notes",
                       "objective", "update_frequency_unit", "geo_coverage", "data_source",
                       "data_format", "data_category", "license_id", "focus_area",
                       "resource"]
