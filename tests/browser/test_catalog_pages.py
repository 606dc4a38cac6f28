"""The served catalog's basic pages in headless Chromium."""
import pytest

from ckan.tests import factories

from ..factories_dga import dga_dataset_dict
from tests.plugins import SOLR

from .conftest import login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("with_plugins", "clean_db")]


def test_sysadmin_logs_in_and_finds_a_thai_dataset(live_server, page):
    password = "correct-horse-battery"
    admin = factories.Sysadmin(password=password)
    org = factories.Organization(title="การเคหะแห่งชาติ")
    factories.Dataset(**dga_dataset_dict(owner_org=org["id"],
                                         title="โครงการภาครัฐการเคหะแห่งชาติ 2562"))

    login(page, live_server, admin["name"], password)
    # the PostgreSQL search finds a Thai word inside a longer one; CKAN's Solr
    # schema splits on spaces only: there the word as written between spaces
    word = "โครงการภาครัฐการเคหะแห่งชาติ" if SOLR else "การเคหะ"
    page.goto(live_server + "/dataset/?q=" + word)
    screenshot(page, "dataset-search-thai")
    assert "โครงการภาครัฐการเคหะแห่งชาติ 2562" in page.inner_text("body")
    page.goto(live_server + "/organization/")
    assert "การเคหะแห่งชาติ" in page.inner_text("body")
