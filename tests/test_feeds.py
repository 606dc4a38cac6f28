"""CKAN's Atom feeds in both search modes: every feed route answers 200 with
the datasets it names and never a private one.

CKAN's feeds filter with ``tags: "x"``, ``groups: "g"`` and ``owner_org: "id"``
(white space after the colon), which Solr's parser reads as ``tags:"x"``; the
PostgreSQL search's parser refused it, so every tag, group and organization
feed raised ``SearchQueryError`` (a 500 on a served site)."""
from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from ckan.tests import factories

from .factories_dga import dga_dataset_dict

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def site(fresh_db):
    """Organizations A and B, group G; in A public datasets (one in G, tagged
    "water", one tagged with a Thai word) and a private one carrying the same
    tag, group and organization; in B a public dataset tagged "water"."""
    from ckan import plugins

    plugins.load_all()
    fresh_db()
    admin = factories.User()
    org_a = factories.Organization(name="feeds-a", users=[{"name": admin["name"],
                                                         "capacity": "admin"}])
    org_b = factories.Organization(name="feeds-b")
    group = factories.Group(name="feeds-g", users=[{"name": admin["name"],
                                                    "capacity": "admin"}])
    context = {"user": admin["name"]}

    def dataset(name, org, tags, private=False, groups=()):
        return factories.Dataset(context=context, **dict(
            dga_dataset_dict(owner_org=org["id"], name=name, title=name),
            tag_string=tags, private=private, groups=[{"name": g} for g in groups]))

    made = {
        "water-a": dataset("feeds-water-a", org_a, "water", groups=["feeds-g"]),
        "thai-a": dataset("feeds-thai-a", org_a, "ท่องเที่ยว"),
        "private-a": dataset("feeds-private-a", org_a, "water, ท่องเที่ยว", private=True,
                             groups=["feeds-g"]),
        "water-b": dataset("feeds-water-b", org_b, "water"),
    }
    return {"org_a": org_a, "org_b": org_b, "group": group, **made}


def _entries(app, url) -> set[str]:
    """The ids of the datasets a feed lists (each entry's Atom id ends in
    ``/dataset/<id>``)."""
    response = app.get(url, status=200)
    assert response.headers["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.get_data())
    return {entry.find(ATOM + "id").text.rsplit("/dataset/", 1)[1]
            for entry in feed.iter(ATOM + "entry")}


FEEDS = {
    "tag": ("/feeds/tag/water.atom", {"water-a", "water-b"}),
    "Thai tag": ("/feeds/tag/ท่องเที่ยว.atom", {"thai-a"}),
    "group": ("/feeds/group/feeds-g.atom", {"water-a"}),
    "organization": ("/feeds/organization/feeds-a.atom", {"water-a", "thai-a"}),
    "all": ("/feeds/dataset.atom", {"water-a", "thai-a", "water-b"}),
    "custom, one filter": ("/feeds/custom.atom?tags=water", {"water-a", "water-b"}),
    "custom, two filters": ("/feeds/custom.atom?tags=water&organization=feeds-b",
                            {"water-b"}),
    "custom, q": ("/feeds/custom.atom?q=name:feeds-water-a", {"water-a"}),
    "custom, nothing": ("/feeds/custom.atom", {"water-a", "thai-a", "water-b"}),
}


@pytest.mark.usefixtures("with_plugins")
@pytest.mark.parametrize("name", list(FEEDS))
def test_every_feed_answers_with_its_datasets_and_no_private_one(app, site, name):
    url, expected = FEEDS[name]
    ids = _entries(app, url)
    assert ids == {site[key]["id"] for key in expected}
    assert site["private-a"]["id"] not in ids


@pytest.mark.usefixtures("with_plugins")
def test_the_organization_feed_is_not_shown_private_data_by_its_admin(app, site):
    """Feeds search as the user without ``include_private``: A's admin, who
    may read A's private dataset, still gets only the public ones."""
    admin = factories.UserWithToken()
    from ckan.tests.helpers import call_action

    call_action("organization_member_create", id=site["org_a"]["id"],
                username=admin["name"], role="admin")
    response = app.get("/feeds/organization/feeds-a.atom",
                       headers={"Authorization": admin["token"]}, status=200)
    assert "feeds-private-a" not in response.get_data(as_text=True)
