"""A refused search as a citizen sees it on a 390 px phone, in Thai and in
English, on the search, organization and group pages: the 400 page titled in
the page's language, a button back to the same search, and no sideways
scroll (CKAN's container gutter made it 6 px wider than the screen)."""
from urllib.parse import urlparse

import pytest

from ckan.tests import factories

from ..factories_dga import dga_dataset_dict

pytestmark = [pytest.mark.browser,
              pytest.mark.usefixtures("with_plugins", "clean_db", "clean_redis")]
#: one sort clause more than the default limit (10)
TOO_MANY_SORTS = ",".join(["name asc"] * 11)


@pytest.fixture
def phone(chromium):
    context = chromium.new_context(viewport={"width": 390, "height": 844}, locale="th-TH")
    page = context.new_page()
    page.set_default_timeout(20000)
    yield page
    context.close()


def test_a_refused_search_on_a_phone_leads_back_without_sideways_scroll(live_server, phone):
    org = factories.Organization(name="dept-roads", title="กรมทางหลวง")
    group = factories.Group(name="transport", title="คมนาคม")
    factories.Dataset(**dga_dataset_dict(owner_org=org["id"], name="roads",
                                         groups=[{"name": group["name"]}]))
    for lang, title, button in (("th", "400 คำขอไม่ถูกต้อง", "เริ่มค้นหาใหม่"),
                                ("en", "400 Bad Request", "Start a new search")):
        for path in ("/dataset", f"/organization/{org['name']}", f"/group/{group['name']}"):
            answer = phone.goto(f"{live_server}/{lang}{path}?sort={TOO_MANY_SORTS}")
            assert answer.status == 400
            phone.wait_for_load_state("networkidle")
            assert title in phone.locator("h1").first.inner_text()
            back = phone.get_by_role("link", name=button)
            assert urlparse(back.get_attribute("href")).path.rstrip("/") == f"/{lang}{path}"
            wide = phone.evaluate("() => document.documentElement.scrollWidth")
            assert wide <= 390, (lang, path, wide)
