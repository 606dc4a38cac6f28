"""CKAN's tag and format listings give only what a dataset the caller may
find carries (issue 26: found by the canary test).

``tag_list``, ``tag_search``, ``tag_autocomplete`` and
``format_autocomplete`` read every tag or resource row: anyone listed the
tags and formats of other organizations' private datasets and drafts.
"""
from __future__ import annotations

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from tests.factories_dga import dga_dataset_dict

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")


@pytest.fixture
def catalog():
    member = factories.User()
    stranger = factories.User()
    org = factories.Organization(users=[{"name": member["name"], "capacity": "member"}])
    as_sysadmin = {"user": factories.Sysadmin()["name"]}

    def dataset(name, tag, fmt, **fields):
        data = dga_dataset_dict(owner_org=org["id"], name=name, tag_string=tag, **fields)
        data["resources"][0]["format"] = fmt
        return helpers.call_action("package_create", dict(as_sysadmin), **data)
    dataset("open-data", "opentag", "OPENFMT")
    dataset("closed-data", "secrettag", "SECRETFMT", private=True)
    dataset("draft-data", "drafttag", "DRAFTFMT", state="draft")
    return {"member": member, "stranger": stranger}


def _call(action, user, **data):
    return helpers.call_action(action, {"user": user["name"] if user else "",
                                        "ignore_auth": False}, **data)


def test_no_listing_gives_the_tags_or_formats_of_a_dataset_the_caller_may_not_find(catalog):
    for user in (None, catalog["stranger"]):     # anonymous, a user of no organization
        assert set(_call("tag_list", user)) == {"opentag"}
        assert [t["name"] for t in _call("tag_list", user, all_fields=True)] == ["opentag"]
        assert _call("tag_list", user, query="tag") == ["opentag"]
        found = _call("tag_search", user, query="tag")
        assert found["count"] == 1 and [t["name"] for t in found["results"]] == ["opentag"]
        assert _call("tag_search", user, query="secret", limit=0)["count"] == 0
        assert _call("tag_autocomplete", user, query="tag") == ["opentag"]
        assert _call("format_autocomplete", user, q="fmt") == ["openfmt"]
        for tag in ("secrettag", "drafttag"):
            with pytest.raises(tk.ObjectNotFound):
                _call("tag_show", user, id=tag)
        assert _call("tag_show", user, id="opentag")["name"] == "opentag"


def test_a_member_lists_the_tags_and_formats_of_the_organizations_private_datasets(catalog):
    member = catalog["member"]
    assert set(_call("tag_list", member)) == {"opentag", "secrettag"}
    assert _call("tag_autocomplete", member, query="secret") == ["secrettag"]
    assert sorted(_call("format_autocomplete", member, q="fmt")) == ["openfmt", "secretfmt"]
    found = _call("tag_search", member, query="tag", limit=1)
    assert found["count"] == 2 and len(found["results"]) == 1


def test_the_autocomplete_pages_follow_the_same_rule(app, catalog):
    assert app.get("/api/2/util/tag/autocomplete",
                   query_string={"incomplete": "secret"}).json["ResultSet"]["Result"] == []
    assert app.get("/api/2/util/resource/format_autocomplete",
                   query_string={"incomplete": "secret"}).json["ResultSet"]["Result"] == []
    shown = app.get("/api/2/util/tag/autocomplete", query_string={"incomplete": "open"})
    assert shown.json["ResultSet"]["Result"] == [{"Name": "opentag"}]
