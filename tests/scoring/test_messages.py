"""Every problem and reason code has a Thai and an English message."""
from __future__ import annotations

import ast
import string
from pathlib import Path

import pytest

from ckanext.opdc_kpi.scoring import message, messages

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
