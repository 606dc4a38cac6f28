"""Property tests: the checks and the engine never raise, whatever the input."""
from __future__ import annotations

from datetime import date

from hypothesis import HealthCheck, given, settings, strategies as st

from ckanext.opdc_kpi.scoring import (
    Rules, as_list, dataset_problems, keyword_problem, mandatory_problems, message,
    normalize_text, score_organization, score_row, score_rows)
from ckanext.opdc_kpi.scoring import messages, standard
from tests.scoring._data import complete_dataset, organization

TODAY = date(2022, 3, 1)
FIELDS = sorted(set(standard.FIELD_LABELS) | {"tags", "resources", "private", "state",
                                               "datastore_active", "vocabulary_id", "url"})
THAI = st.text(alphabet=st.characters(min_codepoint=0x0E00, max_codepoint=0x0E7F), max_size=12)
CHOICE_VALUES = st.sampled_from(sorted(v for vs in standard.ACCEPTED.values() for v in vs))
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=30),
                    THAI, CHOICE_VALUES)
JUNK = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(st.one_of(st.sampled_from(FIELDS), st.text(max_size=8)),
                                            inner, max_size=4)),
    max_leaves=20)
PACKAGES = st.dictionaries(st.one_of(st.sampled_from(FIELDS), st.text(max_size=10)), JUNK,
                           max_size=12)
SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(PACKAGES)
def test_dataset_problems_never_raise(pkg):
    problems = dataset_problems(pkg, today=TODAY)
    assert all(p.code != "check_failed" for p in problems), problems
    assert all(isinstance(p.field, str) and p.code in messages.MESSAGES for p in problems)
    for p in problems:
        assert message(p.code, "th", **dict(p.params))
        assert message(p.code, "en", **dict(p.params))


@SETTINGS
@given(PACKAGES)
def test_mandatory_problems_never_raise(pkg):
    assert all(p.code != "check_failed" for p in mandatory_problems(pkg))


@SETTINGS
@given(st.dictionaries(st.sampled_from(FIELDS), JUNK, max_size=8))
def test_junk_on_a_complete_dataset(overrides):
    pkg = complete_dataset()
    pkg.update(overrides)
    assert all(p.code != "check_failed" for p in dataset_problems(pkg, today=TODAY))


@SETTINGS
@given(JUNK)
def test_anything_at_all(value):
    assert isinstance(mandatory_problems(value), list)
    assert isinstance(dataset_problems(value, today=TODAY), list)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(PACKAGES, max_size=4), st.dictionaries(st.sampled_from(FIELDS), JUNK, max_size=4),
       st.sampled_from(["th", "en", "fr", ""]), st.booleans())
def test_score_organization_never_raises(datasets, org_overrides, lang, public_only):
    org = organization(**org_overrides)
    datasets = datasets + [complete_dataset(**{k: v for k, v in d.items() if isinstance(k, str)})
                           for d in datasets[:2]]
    for scope in ("basket", "catalog"):
        report = score_organization(org, datasets, fiscal_year=2565, today=TODAY,
                                    rules=Rules(openness_scope=scope), catalog_url=None,
                                    lang=lang, public_only=public_only)
        assert 0 <= report["score"] <= 100
        if public_only:
            assert not any(d["private"] for d in report["datasets"])
        # the list's figures-only pass gives the row of the full report
        rows = score_rows([(org, datasets, None)], fiscal_year=2565, today=TODAY,
                          rules=Rules(openness_scope=scope), catalog_url=None, lang=lang,
                          public_only=public_only)
        assert rows == [score_row(report)]


@SETTINGS
@given(st.one_of(st.text(), THAI, JUNK))
def test_text_functions(value):
    once = normalize_text(value)
    assert normalize_text(once) == once
    assert "\u0e4d\u0e32" not in once
    items = as_list(value)
    assert all(isinstance(i, str) and i and normalize_text(i) == i for i in items)
    assert keyword_problem(value) in (None, "keyword_not_text", "keyword_too_short",
                                      "keyword_too_long", "keyword_invalid_char")


@SETTINGS
@given(st.sampled_from(sorted(messages.MESSAGES)), st.sampled_from(["th", "en", "de", None]),
       st.dictionaries(st.sampled_from(["field", "value", "choice_field", "resource", "x", "min"]),
                       JUNK, max_size=4))
def test_messages_never_raise(code, lang, params):
    assert isinstance(message(code, lang, **params), str)


@SETTINGS
@given(st.lists(st.dictionaries(st.sampled_from(FIELDS), JUNK, max_size=8), min_size=1,
                max_size=5))
def test_remembered_checks_equal_fresh_checks(overrides_list):
    """mandatory_problems remembers results per signature: for datasets that
    share or differ in any item, the answer is the fresh check's."""
    for overrides in overrides_list:
        for base in (complete_dataset(), {}):
            pkg = dict(base, **overrides)
            fresh = standard._guarded(standard._mandatory, pkg)
            assert mandatory_problems(pkg) == fresh
            assert mandatory_problems(dict(pkg)) == fresh  # a second time: from memory


def test_remembered_checks_tell_true_from_1_and_text_from_lists():
    for value in (True, 1, "1", ["1"], 1.0):
        pkg = dict(complete_dataset(), update_frequency_interval=value, maintainer=value)
        assert mandatory_problems(pkg) == standard._guarded(standard._mandatory, pkg)


def test_remembered_checks_tell_tag_string_from_tags():
    """Found by hypothesis: an empty dict as ``tag_string`` and as ``tags``
    once shared a signature while the checks differ."""
    for pkg in (dict(complete_dataset(), tag_string={}),
                {k: v for k, v in dict(complete_dataset(), tags={}).items() if k != "tag_string"},
                dict(complete_dataset(), tag_string={})):
        assert mandatory_problems(pkg) == standard._guarded(standard._mandatory, pkg)
