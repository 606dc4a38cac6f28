"""A dataset's URL name made from its (Thai) title: the rule, the API
(``package_create`` without a name), the name field's errors and the form's
preview action ``opdc_kpi_dataset_name_propose``."""
from __future__ import annotations

import datetime as dt
import re

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from ckanext.opdc_kpi.logic import site
from ckanext.opdc_kpi.logic.dataset import names

from ..factories_dga import dga_dataset_dict

VALID = re.compile(r"[a-z0-9_-]{2,100}")


# --- the rule (no database) ----------------------------------------------------------

@pytest.mark.parametrize("title,name", [
    ("สถิตินักท่องเที่ยวรายเดือน", "sathiti-nakthongthiao-raiduean"),
    ("ข้อมูลสถิติ", "khomun-sathiti"),
    ("สถิติ COVID-19 รายจังหวัด ๒๕๖๖", "sathiti-covid-19-rai-changwat-2566"),
    ("Tourism Revenue 2023", "tourism-revenue-2023"),
    ("Café statistics", "cafe-statistics"),
    ("!!!", ""),
    ("", ""),
])
def test_a_title_is_romanized_into_a_valid_name(title, name):
    assert names.romanized(title) == name
    if name:
        assert VALID.fullmatch(name)


def test_the_same_title_always_gives_the_same_name():
    title = "รายได้จากการท่องเที่ยวของจังหวัดเชียงใหม่"
    assert len({names.romanized(title) for _ in range(3)}) == 1


def test_a_long_title_is_cut_at_a_word_within_the_limit():
    name = names.romanized("รายได้จากการท่องเที่ยวของจังหวัดเชียงใหม่ " * 10)
    assert len(name) <= names.BASE_MAX and not name.endswith("-")
    assert VALID.fullmatch(name)


def test_a_name_in_use_gets_the_next_number():
    day = dt.date(2024, 5, 1)
    taken = {"khomun-sathiti", "khomun-sathiti-2"}
    assert names.propose("ข้อมูลสถิติ", "org", day=day, taken=lambda b: taken) == {
        "name": "khomun-sathiti-3", "rule": "romanized"}


def test_without_a_romanization_the_organization_and_the_day_are_the_name():
    day = dt.date(2024, 5, 1)
    assert names.propose("???", "dept-of-tourism", day=day, taken=lambda b: set()) == {
        "name": "dept-of-tourism-20240501-1", "rule": "fallback"}
    assert names.propose("???", None, day=day,
                         taken=lambda b: {"dataset-20240501-1"})["name"] == "dataset-20240501-2"
    long_org = "o" * 100
    assert len(names.propose("", long_org, day=day, taken=lambda b: set())["name"]) <= 100


# --- through CKAN ------------------------------------------------------------------

def _create(user, org, **overrides):
    pkg = dga_dataset_dict(owner_org=org["id"], **overrides)
    if "name" not in overrides:
        pkg.pop("name")
    return helpers.call_action("package_create", context={"user": user["name"]}, **pkg)


@pytest.mark.usefixtures("with_plugins", "clean_db")
def test_package_create_without_a_name_makes_one_from_the_thai_title():
    user = factories.Sysadmin()
    org = factories.Organization(name="dept-tourism")
    first = _create(user, org, title="สถิตินักท่องเที่ยวรายเดือน")
    assert first["name"] == "sathiti-nakthongthiao-raiduean"
    second = _create(user, org, title="สถิตินักท่องเที่ยวรายเดือน")
    assert second["name"] == "sathiti-nakthongthiao-raiduean-2"
    blank = _create(user, org, title="???", name="")
    stamp = site.today().strftime("%Y%m%d")
    assert blank["name"] == f"dept-tourism-{stamp}-1"
    assert helpers.call_action("package_show", id=first["id"])["name"] == first["name"]


@pytest.mark.usefixtures("with_plugins", "clean_db")
def test_a_name_that_breaks_the_rule_is_refused_with_the_rule_and_an_example():
    user = factories.Sysadmin()
    org = factories.Organization()
    with pytest.raises(tk.ValidationError) as err:
        _create(user, org, title="สถิตินักท่องเที่ยว", name="สถิติ")
    message = err.value.error_dict["name"][0]
    assert "a-z" in message and "0-9" in message and "sathiti-nakthongthiao" in message
    assert list(err.value.error_dict) == ["name"]


@pytest.mark.usefixtures("with_plugins", "clean_db")
def test_a_name_in_use_is_refused_with_a_free_one():
    user = factories.Sysadmin()
    org = factories.Organization()
    _create(user, org, title="ข้อมูลสถิติ")
    with pytest.raises(tk.ValidationError) as err:
        _create(user, org, title="อื่น", name="khomun-sathiti")
    assert "khomun-sathiti-2" in err.value.error_dict["name"][0]


@pytest.mark.usefixtures("with_plugins", "clean_db")
def test_an_update_keeps_the_name_and_refuses_a_blank_one():
    user = factories.Sysadmin()
    org = factories.Organization()
    pkg = _create(user, org, title="ข้อมูลสถิติ")
    updated = helpers.call_action("package_patch", context={"user": user["name"]},
                                  id=pkg["id"], title="ข้อมูลสถิติใหม่")
    assert updated["name"] == "khomun-sathiti"
    with pytest.raises(tk.ValidationError) as err:
        helpers.call_action("package_patch", context={"user": user["name"]},
                            id=pkg["id"], name="")
    assert "a-z" in err.value.error_dict["name"][0]


@pytest.mark.usefixtures("with_plugins", "clean_db")
def test_the_preview_is_the_name_the_server_makes():
    editor = factories.User()
    org = factories.Organization(users=[{"name": editor["name"], "capacity": "editor"}])
    context = {"user": editor["name"], "ignore_auth": False}
    title = "สถิตินักท่องเที่ยวรายเดือน"
    proposed = helpers.call_action("opdc_kpi_dataset_name_propose", context=dict(context),
                                   title=title, owner_org=org["id"])
    assert proposed == {"name": "sathiti-nakthongthiao-raiduean", "rule": "romanized"}
    made = _create(editor, org, title=title)
    assert made["name"] == proposed["name"]
    # the dataset being edited does not count its own name as in use
    again = helpers.call_action("opdc_kpi_dataset_name_propose", context=dict(context),
                                title=title, owner_org=org["id"], id=made["id"])
    assert again["name"] == made["name"]
    assert helpers.call_action("opdc_kpi_dataset_name_propose", context=dict(context),
                               title=title, owner_org=org["id"])["name"] == made["name"] + "-2"


@pytest.mark.usefixtures("with_plugins", "clean_db")
def test_only_who_may_create_in_the_organization_may_ask():
    org = factories.Organization()
    outsider = factories.User()
    with pytest.raises(tk.NotAuthorized):
        helpers.call_auth("opdc_kpi_dataset_name_propose",
                          {"user": outsider["name"]}, owner_org=org["id"], title="x")
    with pytest.raises(tk.ValidationError):
        helpers.call_action("opdc_kpi_dataset_name_propose", title="x", unknown="1")
