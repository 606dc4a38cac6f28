"""The scoring core is pure: standard library only, no clock (house style, rule 2)."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

SCORING = Path(__file__).resolve().parents[2] / "ckanext" / "opdc_kpi" / "scoring"
FORBIDDEN = {"ckan", "ckanext", "flask", "sqlalchemy", "yaml", "requests"}
ALLOWED_OWN = "ckanext.opdc_kpi.scoring"
FILES = sorted(SCORING.glob("*.py"))


def _imports(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module
        elif (isinstance(node, ast.Call) and isinstance(node.func, (ast.Name, ast.Attribute))
              and getattr(node.func, "id", getattr(node.func, "attr", None))
              in ("__import__", "import_module")):
            yield node.lineno, "<dynamic import>"


def _forbidden(module: str) -> bool:
    if module == "<dynamic import>":
        return True
    if module == ALLOWED_OWN or module.startswith(ALLOWED_OWN + "."):
        return False
    return module.split(".")[0] in FORBIDDEN


def test_there_are_files_to_check():
    assert {p.name for p in FILES} >= {"__init__.py", "standard.py", "messages.py", "model.py",
                                       "criteria.py", "engine.py"}


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_no_framework_imports(path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    bad = [(line, module) for line, module in _imports(tree) if _forbidden(module)]
    assert bad == [], f"{path.name} imports {bad}"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_no_clock(path):
    """``today`` is a parameter: the core never asks the clock."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    calls = [node.lineno for node in ast.walk(tree)
             if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
             and node.func.attr in ("today", "now", "utcnow", "time", "monotonic")]
    modules = [m for _, m in _imports(tree) if m.split(".")[0] == "time"]
    assert calls == [] and modules == []


def test_the_checker_catches_bad_imports():
    tree = ast.parse("import ckan.plugins.toolkit as tk\nfrom ckanext.scheming import x\n"
                     "from flask import g\nimport sqlalchemy\nimport yaml\nimport requests\n"
                     "from ckanext.opdc_kpi.scoring import model\n__import__('ckan')\n")
    assert [m for _, m in _imports(tree) if _forbidden(m)] == [
        "ckan.plugins.toolkit", "ckanext.scheming", "flask", "sqlalchemy", "yaml", "requests",
        "<dynamic import>"]


def test_importing_the_core_loads_no_framework():
    code = ("import sys, ckanext.opdc_kpi.scoring as s; "
            "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
            "{'ckan', 'flask', 'sqlalchemy', 'yaml', 'requests'} or "
            "(m.startswith('ckanext.') and not m.startswith('ckanext.opdc_kpi'))); "
            "print(bad); sys.exit(1 if bad else 0)")
    result = subprocess.run([sys.executable, "-c", code], cwd=SCORING.parents[2],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
