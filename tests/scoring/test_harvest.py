"""The harvest check's pure core: the harvester's paging, and what it rejects
in a dataset as received (no CKAN)."""
from __future__ import annotations

import datetime as dt

import pytest

from ckanext.opdc_kpi.scoring import harvest, message, messages
from tests.factories_dga import dga_dataset_dict


def received(**overrides):
    """A complete dataset as package_search gives it: keywords in ``tags``."""
    pkg = dga_dataset_dict(**overrides)
    words = [w.strip() for w in pkg.pop("tag_string", "").split(",") if w.strip()]
    pkg.setdefault("tags", [{"name": w, "vocabulary_id": None} for w in words]
                   + [{"name": "tourism", "vocabulary_id": "vocab-1"}])
    pkg.setdefault("id", f"id-{pkg['name']}")
    pkg["owner_org"] = pkg.get("owner_org") or "org-1"
    pkg.setdefault("private", False)
    if "allow_harvest" not in overrides:
        pkg["allow_harvest"] = "True"
    return pkg


def codes(problems):
    return sorted((p.field, p.code) for p in problems)


def said(problems):
    """Problems in order, each with its English message (what the admin reads)."""
    return [(p.field, p.code, message(p.code, "en", **p.params)) for p in problems]


NOT_IDENTICAL = ("{}: “{}” is not byte-identical to the standard's “{}” (spaces or Thai "
                 "encoding differ)")
PUBLIC_PRIVATE = ("Category “ข้อมูลสาธารณะ” (public data) but the dataset is private: the "
                  "harvester does not see it")


def found(report):
    """A paging report's problems in order, each with the figures its message shows."""
    return [(p.field, p.code, dict(p.params)) for p in report.problems]


# --- the query ----------------------------------------------------------------

def test_query_is_the_harvesters():
    since = harvest.incremental_since(dt.datetime(2026, 11, 24, 10, 0, 0, 123456))
    fq = [harvest.organization_filter(["a", "b"]), harvest.modified_since_filter(since)]
    assert harvest.search_params(200, fq) == {
        "rows": "100", "start": "200", "sort": "id asc",
        "fq": "organization:a OR organization:b "
              "metadata_modified:[2026-11-24T09:00:00.123456Z TO *]"}
    assert harvest.search_params(0) == {"rows": "100", "start": "0", "sort": "id asc"}
    aware = dt.datetime(2026, 1, 1, 7, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
    assert harvest.modified_since_filter(aware) == "metadata_modified:[2026-01-01T00:00:00Z TO *]"
    assert harvest.organization_filter([]) is None


# --- paging ---------------------------------------------------------------------

class Catalog:
    """package_search over a list of ids, honouring start/rows/sort unless told not to."""

    def __init__(self, ids, ignore_start=False, rows_max=1000, unsorted=False, fail_at=None):
        self.ids = sorted(ids, reverse=unsorted)
        self.ignore_start = ignore_start
        self.rows_max = rows_max
        self.fail_at = fail_at
        self.requests = []

    def __call__(self, params):
        self.requests.append(params)
        start = 0 if self.ignore_start else int(params["start"])
        if self.fail_at is not None and start >= self.fail_at:
            raise RuntimeError("Search Query Error")
        rows = min(int(params["rows"]), self.rows_max)
        return {"count": len(self.ids),
                "results": [{"id": i} for i in self.ids[start:start + rows]]}


IDS = [f"{n:04d}" for n in range(250)]


def test_a_good_catalog_gives_each_dataset_once():
    catalog = Catalog(IDS)
    seen = []
    got = harvest.walk(catalog, on_new=lambda d: seen.append(d["id"]))
    assert got.ids == IDS == seen
    assert [p["start"] for p in catalog.requests] == ["0", "100", "200", "300"]
    assert got.stopped == "empty_page"
    report = harvest.paging_problems(got, IDS)
    assert report.ok and report.problems == []


def test_a_catalog_ignoring_start_repeats_a_page_and_loses_the_rest():
    got = harvest.walk(Catalog(IDS, ignore_start=True))
    assert got.stopped == "no_new_id" and got.repeated_pages() == [100]
    report = harvest.paging_problems(got, IDS)
    assert not report.ok
    assert found(report) == [
        ("paging", "harvest_paging_repeated_page", {"start": 100, "pages": 2}),
        ("paging", "harvest_paging_repeated", {"count": 100}),
        ("paging", "harvest_paging_skipped", {"count": 150, "expected": 250})]
    assert report.skipped == IDS[100:] and report.repeated == IDS[:100]


def test_rows_max_below_100_skips_datasets_silently():
    got = harvest.walk(Catalog(IDS, rows_max=50))
    report = harvest.paging_problems(got, IDS, field="incremental")
    assert len(report.skipped) == 100      # 50..99 and 150..199
    assert found(report) == [
        ("incremental", "harvest_paging_skipped", {"count": 100, "expected": 250})]


def test_an_error_is_an_empty_page():
    got = harvest.walk(Catalog(IDS, fail_at=100))
    assert got.stopped == "error" and len(got.ids) == 100
    report = harvest.paging_problems(got, IDS)
    assert found(report) == [
        ("paging", "harvest_search_error", {"start": 100, "error": "Search Query Error"}),
        ("paging", "harvest_paging_skipped", {"count": 150, "expected": 250})]
    assert "Search Query Error" in got.error


def test_unsorted_unexpected_and_count():
    got = harvest.walk(Catalog(IDS, unsorted=True))
    report = harvest.paging_problems(got, IDS[:-1])
    assert found(report) == [
        ("paging", "harvest_paging_unexpected", {"count": 1}),
        ("paging", "harvest_paging_unsorted", {"sort": "id asc"}),
        ("paging", "harvest_paging_count", {"count": 250, "expected": 249})]
    assert report.unexpected == [IDS[-1]] and not report.ok


def test_endless_paging_stops():
    def endless(params):
        start = int(params["start"])
        return {"count": 1, "results": [{"id": f"{start + n:09d}"} for n in range(100)]}
    got = harvest.walk(endless, max_pages=5)
    assert got.stopped == "page_limit"
    assert found(harvest.paging_problems(got, [])) == [
        ("paging", "harvest_paging_unexpected", {"count": 500}),
        ("paging", "harvest_paging_limit", {"pages": 5}),
        ("paging", "harvest_paging_count", {"count": 1, "expected": 0})]


# --- one received dataset -------------------------------------------------------

def test_a_complete_dataset_has_no_problem():
    assert harvest.received_problems(received()) == []


def test_keywords_come_from_tags_not_tag_string():
    pkg = received(tags=[{"name": "tourism", "vocabulary_id": "vocab-1"}])
    pkg["tag_string"] = "ท่องเที่ยว"      # ignored: the harvester gets no tag_string
    assert codes(harvest.received_problems(pkg)) == [("tag_string", "keyword_required")]
    bad = received(tags=[{"name": "ท่องเที่ยว/สถิติ", "vocabulary_id": None}])
    assert codes(harvest.received_problems(bad)) == [("tag_string", "keyword_invalid_char")]


def test_missing_items_and_fields_only_in_extras():
    pkg = received(data_source=None, notes=None)
    pkg["extras"] = [{"key": "data_source", "value": "กรมการท่องเที่ยว"}]
    assert codes(harvest.received_problems(pkg)) == [
        ("data_source", "harvest_extras_only"), ("notes", "required")]
    assert ("data_source", "harvest_extras_only",
            "Data source is only in extras, not at the top level: the national catalog does "
            "not see it") in said(harvest.received_problems(pkg))


def test_values_must_be_canonical_byte_for_byte():
    split_am = "ข้อมูลส" + "\u0e4d\u0e32" + "คัญ"   # not a real value: an invalid choice
    pkg = received(data_type="ข้อมูลสถิติ ", objective="พันธกิจหน่วยงาน",
                   data_category=split_am)
    assert sorted(said(harvest.received_problems(pkg))) == [
        ("data_category", "invalid_choice", "Data category (government data governance): "
                                            "“ข้อมูลสำคัญ” is not one of the allowed values"),
        ("data_type", "harvest_not_canonical",
         NOT_IDENTICAL.format("Data type", "ข้อมูลสถิติ ", "ข้อมูลสถิติ")),
        ("objective", "not_a_list", "Objective must be a list of values")]
    pkg = received(update_frequency_unit="วันทำการ".replace(
        "\u0e33", "\u0e4d\u0e32"))
    problems = harvest.received_problems(pkg)
    assert codes(problems) == [("update_frequency_unit", "harvest_not_canonical")]
    assert problems[0].params["canonical"] == "วันทำการ"
    # each item of a list on its own: the standard spells CSV in capitals
    assert said(harvest.received_problems(received(data_format=["CSV", "csv", "XLS"]))) == [
        ("data_format", "invalid_choice", "Data format: “csv” is not one of the allowed values")]


def test_resources_need_url_and_format():
    assert said(harvest.received_problems(received(resources=[]))) == [
        ("resources", "harvest_no_resources",
         "The dataset has no resource: the GD Catalog gets no data link")]
    pkg = received(resources=[{"name": "a", "url": "", "format": "CSV"},
                              {"name": "b", "url": "data.csv", "format": ""}])
    problems = harvest.received_problems(pkg)
    assert codes(problems) == [("resources", "harvest_resource_bad_url"),
                               ("resources", "harvest_resource_no_format"),
                               ("resources", "harvest_resource_no_url")]
    assert {p.params["resource"] for p in problems} == {1, 2}
    # a resource without a name is named by its position
    pkg["resources"][1]["name"] = ""
    assert said(harvest.received_problems(pkg)) == [
        ("resources", "harvest_resource_no_url", "Resource 1 (“a”) has no URL"),
        ("resources", "harvest_resource_bad_url",
         "Resource 2 (“2”): “data.csv” is not a full http:// or https:// URL"),
        ("resources", "harvest_resource_no_format", "Resource 2 (“2”) has no format")]


def test_consent_and_public_category():
    assert codes(harvest.received_problems(received(allow_harvest="False"))) == [
        ("allow_harvest", "harvest_no_consent")]
    assert codes(harvest.received_problems(received(allow_harvest=None))) == [
        ("allow_harvest", "harvest_no_consent")]
    assert said(harvest.received_problems(received(allow_harvest="False"))) == [
        ("allow_harvest", "harvest_no_consent",
         "A public (not private) dataset without consent to the GD Catalog (Allow the GD "
         "Catalog to list this dataset = “False”)")]
    got = codes(harvest.received_problems(received(allow_harvest=True)))
    assert got == [("allow_harvest", "harvest_not_canonical")]
    private = received(private=True, allow_harvest="False")
    assert said(harvest.received_problems(private)) == [
        ("private", "harvest_public_category_private", PUBLIC_PRIVATE)]
    assert codes(harvest.hidden_problems(private)) == [
        ("private", "harvest_private_no_consent"), ("private", "harvest_public_category_private")]
    # private as the text a form or an API client sends
    assert said(harvest.hidden_problems(received(private=" True ", allow_harvest="False"))) == [
        ("private", "harvest_private_no_consent",
         "Private without consent: the harvester does not see it"),
        ("private", "harvest_public_category_private", PUBLIC_PRIVATE)]
    consented = received(private=True, data_category="ข้อมูลส่วนบุคคล",
                         license_id="License not specified")
    assert codes(harvest.hidden_problems(consented)) == [
        ("private", "harvest_private_with_consent")]
    assert harvest.hidden_problems(received()) == []


def test_copies():
    assert harvest.copy_problem(received()) is None
    problem = harvest.copy_problem(received(reference_url_catalog="https://other.go.th/d/x"))
    assert problem.code == "harvest_copy" and "https://other.go.th/d/x" in message(
        problem.code, "en", **problem.params)


@pytest.mark.parametrize("junk", [None, [], "x", {"resources": "x", "tags": "y", "extras": 3}])
def test_never_raises(junk):
    assert isinstance(harvest.received_problems(junk), list)


@pytest.mark.parametrize("junk,kind", [(None, "NoneType"), ([], "list"), ("x", "str")])
def test_what_is_no_dataset_is_a_failed_check(junk, kind):
    assert said(harvest.received_problems(junk)) == [
        ("", "check_failed", f"The check could not be completed ({kind})")]


# --- gone, windows --------------------------------------------------------------

def test_gone_reasons():
    assert harvest.gone_reason(None) == "harvest_gone_purged"
    assert harvest.gone_reason({"state": "deleted"}) == "harvest_gone_deleted"
    assert harvest.gone_reason({"state": "draft"}) == "harvest_gone_draft"
    assert harvest.gone_reason({"state": "active", "private": True}) == "harvest_gone_private"
    assert harvest.gone_reason({"state": "active", "private": False, "owner_org": "b"},
                               scope_org="a") == "harvest_gone_moved"
    assert harvest.gone_reason({"state": "active", "private": False, "owner_org": "a"},
                               scope_org="a") == "harvest_gone_unseen"


def test_sample_window_splits_the_datasets():
    stamps = ["2026-01-01T00:00:00", "2026-03-01T00:00:00.5", "2026-02-01T00:00:00Z", "bad"]
    since = harvest.sample_since(stamps)
    assert since == dt.datetime(2026, 2, 1)
    assert [harvest.modified_at_or_after(s, since) for s in stamps] == [False, True, True, False]
    assert harvest.sample_since([]) is None


@pytest.mark.parametrize("code", sorted(c for c in messages.MESSAGES if c.startswith("harvest_")))
def test_every_harvest_code_reads_in_both_languages(code):
    th, en = message(code, "th"), message(code, "en")
    assert th != code and en != code and th != en


# --- paging: details ----------------------------------------------------------------

def test_each_page_counts_its_new_ids_and_the_query_carries_the_filters():
    catalog = Catalog(IDS)
    got = harvest.walk(catalog, fq_terms=["organization:a", None])
    assert [(p.start, p.new, p.count) for p in got.pages] == [
        (0, 100, 250), (100, 100, 250), (200, 50, 250), (300, 0, 250)]
    assert [p["fq"] for p in catalog.requests] == ["organization:a"] * 4


def test_what_is_no_dataset_in_a_page_is_skipped_not_fatal():
    def fetch(params):
        if params["start"] != "0":
            return {"count": "3", "results": []}
        return {"count": "3", "results": ["x", {"name": "no-id"}, {"id": ""}, {"id": "a"},
                                          {"id": 7}]}
    got = harvest.walk(fetch)
    assert got.ids == ["a", "7"] and got.stopped == "empty_page"
    assert got.reported_count is None            # a count that is no number is not reported


def test_a_search_error_on_a_later_page_names_that_page():
    got = harvest.walk(Catalog(IDS, fail_at=200))
    assert got.pages[-1] == harvest.Page(200, [], 0, None, "Search Query Error")
    assert got.unavailable is False
    assert found(harvest.paging_problems(got, IDS))[0] == (
        "paging", "harvest_search_error", {"start": 200, "error": "Search Query Error"})


def test_an_unreachable_search_engine_and_the_error_text():
    def down(params):
        raise harvest.SearchUnavailable()
    got = harvest.walk(down)
    assert got.unavailable is True and got.stopped == "error"
    assert got.pages == [harvest.Page(0, [], 0, None, "SearchUnavailable")]
    for length, kept in ((300, 300), (301, 299)):
        def failing(params, length=length):
            raise RuntimeError("x" * length)
        error = harvest.walk(failing).error
        assert error == "x" * kept + ("…" if kept < length else "")
        assert len(error) == 300


def test_a_repeat_inside_a_page_is_a_repeat_and_order_is_checked_pair_by_pair():
    def fetch(params):
        results = [{"id": i} for i in ("a", "a", "b")] if params["start"] == "0" else []
        return {"count": 2, "results": results}
    assert found(harvest.paging_problems(harvest.walk(fetch), ["a", "b"])) == [
        ("paging", "harvest_paging_repeated", {"count": 1})]

    def shuffled(params):
        results = [{"id": i} for i in ("b", "a", "c")] if params["start"] == "0" else []
        return {"count": 3, "results": results}
    assert found(harvest.paging_problems(harvest.walk(shuffled), ["a", "b", "c"])) == [
        ("paging", "harvest_paging_unsorted", {"sort": "id asc"})]


def test_the_sample_window_is_the_median_in_utc():
    stamps = ["2026-01-01T00:00:00", "2026-02-01T00:00:00", "2026-03-01T00:00:00",
              "2026-04-01T00:00:00"]
    assert harvest.sample_since(stamps) == dt.datetime(2026, 3, 1)
    aware = "2026-02-01T07:00:00+07:00"                 # 00:00 UTC
    assert harvest.sample_since([aware]) == dt.datetime(2026, 2, 1)
    assert harvest.modified_at_or_after(aware, dt.datetime(2026, 2, 1)) is True
    assert harvest.modified_at_or_after(dt.datetime(2026, 2, 2), dt.datetime(2026, 2, 1)) is True
    assert harvest.modified_at_or_after(5, dt.datetime(2026, 2, 1)) is False
    assert harvest.modified_at_or_after("", dt.datetime(2026, 2, 1)) is False


def test_times_do_not_depend_on_the_servers_time_zone(monkeypatch):
    """A server set to Bangkok time still writes and reads the harvester's UTC."""
    time = pytest.importorskip("time")
    if not hasattr(time, "tzset"):
        pytest.skip("no tzset on this platform")
    monkeypatch.setenv("TZ", "Asia/Bangkok")
    time.tzset()
    try:
        aware = dt.datetime(2026, 1, 1, 7, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
        assert harvest.modified_since_filter(aware) == (
            "metadata_modified:[2026-01-01T00:00:00Z TO *]")
        assert harvest.sample_since(["2026-02-01T07:00:00+07:00"]) == dt.datetime(2026, 2, 1)
    finally:
        monkeypatch.undo()
        time.tzset()


# --- one received dataset: details ------------------------------------------------------

def test_a_value_that_is_no_text_is_not_canonical_and_lists_are_read_item_by_item():
    assert said(harvest.received_problems(received(allow_harvest=True))) == [
        ("allow_harvest", "harvest_not_canonical",
         NOT_IDENTICAL.format("Allow the GD Catalog to list this dataset", "True", "True"))]
    # the same item twice is said once; a canonical item does not stop the check
    assert said(harvest.received_problems(received(data_format=["CSV ", "CSV ", "XLS"]))) == [
        ("data_format", "harvest_not_canonical", NOT_IDENTICAL.format("Data format", "CSV ",
                                                                      "CSV"))]
    assert said(harvest.received_problems(received(data_format=["XLS", "CSV "]))) == [
        ("data_format", "harvest_not_canonical", NOT_IDENTICAL.format("Data format", "CSV ",
                                                                      "CSV"))]
    assert said(harvest.received_problems(received(data_format=[1, "CSV "]))) == [
        ("data_format", "invalid_choice", "Data format: “1” is not one of the allowed values"),
        ("data_format", "harvest_not_canonical", NOT_IDENTICAL.format("Data format", "CSV ",
                                                                      "CSV"))]


def test_extras_only_matter_for_a_field_missing_at_the_top_level():
    pkg = received(data_source="กรมการท่องเที่ยว")
    pkg["extras"] = ["x", {"key": "data_source", "value": "กรมการท่องเที่ยว"}, {"key": 5}]
    assert harvest.received_problems(pkg) == []
    pkg["data_source"] = None
    assert codes(harvest.received_problems(pkg)) == [("data_source", "harvest_extras_only")]


def test_a_copy_names_the_originals_url():
    problem = harvest.copy_problem(received(reference_url_catalog=" https://other.go.th/d/x "))
    assert problem == harvest.Problem("reference_url_catalog", "harvest_copy",
                                      {"url": "https://other.go.th/d/x"})


def test_a_dataset_that_cannot_be_read_is_a_failed_check():
    class Hostile(dict):
        def keys(self):
            raise RuntimeError("unreadable")

        def __iter__(self):
            raise RuntimeError("unreadable")

    assert said(harvest.received_problems(Hostile(title="x"))) == [
        ("", "check_failed", "The check could not be completed (RuntimeError)")]
