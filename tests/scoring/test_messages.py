"""Every problem and reason code has a Thai and an English message."""
from __future__ import annotations

import ast
import string
from pathlib import Path

import pytest

from ckanext.opdc_kpi.scoring import message, messages
from ckanext.opdc_kpi.scoring.model import Problem

SCORING = Path(__file__).resolve().parents[2] / "ckanext" / "opdc_kpi" / "scoring"


def _emitted_codes() -> set[str]:
    """String literals passed as a code: reason("x", ...), _p(f, "x"), Problem(f, "x"),
    Problem("x"...) and the codes returned by keyword_problem."""
    found = set()
    for path in SCORING.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                args = [a.value for a in node.args if isinstance(a, ast.Constant)
                        and isinstance(a.value, str)]
                if node.func.id == "reason" and args:
                    found.add(args[0])
                elif node.func.id in ("_p", "Problem") and len(node.args) >= 2:
                    code = node.args[1]
                    if isinstance(code, ast.Constant) and isinstance(code.value, str):
                        found.add(code.value)
            if isinstance(node, ast.Return) and isinstance(node.value, ast.Constant) \
                    and isinstance(node.value.value, str) and node.value.value.startswith(
                        "keyword_"):
                found.add(node.value.value)
    return found


def test_every_emitted_code_has_messages():
    emitted = _emitted_codes()
    assert len(emitted) > 30
    assert emitted <= set(messages.MESSAGES), emitted - set(messages.MESSAGES)


@pytest.mark.parametrize("code", sorted(messages.MESSAGES))
def test_both_languages(code):
    assert set(messages.MESSAGES[code]) == {"th", "en"}
    for lang in ("th", "en"):
        names = [{n for _, n, _, _ in string.Formatter().parse(t) if n}
                 for t in messages.MESSAGES[code][lang]]
        assert names[-1] <= {"label", "choice_label"} or len(names) == 1, code


def test_fallback_to_english_and_label_in_each_language():
    assert message("required", "th", field="data_type") == "กรุณาระบุ ประเภทข้อมูล"
    assert message("required", "th_TH", field="data_type") == "กรุณาระบุ ประเภทข้อมูล"
    assert message("required", "en", field="data_type") == "Data type is required"
    assert message("required", "ja", field="data_type") == "Data type is required"
    assert message("required", "en") == "This field is required"
    assert message("invalid_choice", "en", value="csv") == "“csv” is not one of the allowed values"
    assert message("no-such-code", "th") == "no-such-code"


def test_other_required_names_both_fields():
    text = message("other_required", "th", field="data_type_other", choice_field="data_type",
                   choice="ข้อมูลประเภทอื่นๆ")
    assert "ประเภทข้อมูล" in text and "ข้อมูลประเภทอื่นๆ" in text


def test_a_resource_field_is_named_by_its_resource_label():
    """``name`` is the dataset's URL name, but a resource's name: the message of a
    resource problem uses the resource's label."""
    assert message("resource_invalid_choice", "th", field="name", resource=1, value="x") == (
        "ทรัพยากรที่ 1: ชื่อ: “x” ไม่อยู่ในรายการที่กำหนด")
    assert message("invalid_choice", "th", field="name", value="x") == (
        "ชื่อ URL ของชุดข้อมูล: “x” ไม่อยู่ในรายการที่กำหนด")
    assert message("resource_other_required", "en", field="resource_data_collect_other",
                   choice_field="resource_data_collect", resource=2) == (
        "Resource 2: Smallest unit of collection is “อื่นๆ” (other): "
        "please fill in Other unit of collection")


def test_the_structured_tier_rule_in_words():
    params = dict(access=1, granularity=2, format=3)
    assert message("tier_structured", "th", rule="max", tier=3, **params) == (
        "ข้อมูลมีโครงสร้าง: ระดับ = ค่าสูงสุดของการเข้าถึง (1) ความละเอียด (2) "
        "และรูปแบบ (3) = 3")
    assert message("tier_structured", "en", rule="min", tier=1, **params) == (
        "Structured data: tier = the lowest of access (1), granularity (2) and format (3) = 1")
    assert message("tier_structured", "en", rule="median", tier=2, **params) == (
        "Structured data: tier = the median of access (1), granularity (2) and format (3) = 2")


def test_field_names_without_a_label_and_blank_values():
    assert message("required", "en", field=5) == "5 is required"
    assert message("required", "th", field="no_such_field") == "กรุณาระบุ no_such_field"
    assert message("invalid_choice", "en", field="data_type", value=None) == (
        "Data type: “” is not one of the allowed values")
    assert message("invalid_choice", "en", field="data_type", value=["a"]) == (
        "Data type: “['a']” is not one of the allowed values")


def test_fewer_params_fall_back_to_a_shorter_sentence_or_the_code():
    assert message("keyword_too_short", "en") == "Keyword is too short (at least 2 characters)"
    assert message("check_failed", "th") == "ตรวจสอบข้อมูลไม่สำเร็จ"
    assert message("check_failed", "en", error="KeyError") == (
        "The check could not be completed (KeyError)")
    assert message("assessor_tier", "en") == "assessor_tier"      # no sentence without a tier
    assert message("assessor_tier", None, tier=1) == "Set to tier 1 by an assessor"


def test_language_and_problem_message():
    assert [messages.language(x) for x in ("th", "TH-th", "thai", "en", "", None, 5)] == [
        "th", "th", "th", "en", "en", "en", "en"]
    assert messages.problem_message(Problem("x", "required", None), "en") == (
        "This field is required")
    assert messages.problem_message(Problem("data_type", "required", {"field": "data_type"})) \
        == "กรุณาระบุ ประเภทข้อมูล"
    assert messages.codes() == frozenset(messages.MESSAGES)


def test_the_default_language_is_thai_and_odd_params_still_give_a_sentence():
    assert message("required", field="data_type") == "กรุณาระบุ ประเภทข้อมูล"
    assert message("invalid_choice", "th", field="data_type", value=["a"]) == (
        "ประเภทข้อมูล: “['a']” ไม่อยู่ในรายการที่กำหนด")

    class Unformattable:
        def __format__(self, spec):
            raise ValueError("no")

    assert message("other_required", "en", field="data_type_other", choice_field="data_type",
                   choice=Unformattable()) == "Please fill in Other data type"
