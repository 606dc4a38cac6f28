"""The package's layers, read from its source (no CKAN needed): every import
of a module of ours, at the top of a module or inside a function, goes
down the layers or stays in its own capability; there is no cycle; and
outside a capability package only what its ``__init__`` names is used.

Layers, lowest first (a module may import its own layer and the ones below):
"""
from __future__ import annotations

import ast
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
PACKAGE = "ckanext.opdc_kpi"
SOURCE = ROOT / "ckanext" / "opdc_kpi"

#: (rank, module prefix) — the longest matching prefix decides a module's rank
LAYERS = (
    (0, "scoring"),                  # the pure rules: stdlib only
    (1, "excel"), (1, "remote"),     # files and remote catalogs: no CKAN
    (1, "search"), (1, "model"),     # the search backend, the extension's tables
    (2, "logic.site"), (2, "logic.inputs"), (2, "logic.access"),
    (3, "logic.dataset"),            # the DGA schema's validation
    (4, "logic.score"),              # reading and scoring the catalog
    (5, "logic.assessment"), (5, "logic.harvest"), (5, "logic.workbooks"),
    (5, "demo"), (5, "dcat"),      # demo content; DCAT and schema.org (ckanext-dcat)
    (6, "logic.registry"), (6, "logic"), (6, "helpers"),
    (7, "views"), (7, "cli"),
    (8, "plugin"),
)
#: packages whose modules others reach only through the package's __init__
CAPABILITIES = ("logic.dataset", "logic.score", "logic.assessment", "logic.harvest",
                "logic.workbooks")


def _modules() -> dict[str, pathlib.Path]:
    out = {}
    for path in SOURCE.rglob("*.py"):
        relative = path.relative_to(SOURCE).with_suffix("")
        if relative.parts[0] == "migration":
            continue            # Alembic scripts: loaded by Alembic, never imported
        parts = list(relative.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


MODULES = _modules()


def _resolve(name: str) -> str | None:
    """Our module for a dotted name (relative to the package), else None."""
    while name:
        if name in MODULES:
            return name
        name = name.rpartition(".")[0]
    return "" if "" in MODULES else None


def imports_of(module: str, source: str | None = None,
               is_package: bool | None = None) -> set[tuple[str, int]]:
    """(our module imported, line) for every import in the module's source,
    wherever it stands."""
    if source is None:
        source = MODULES[module].read_text(encoding="utf-8")
        is_package = MODULES[module].name == "__init__.py"
    tree = ast.parse(source)
    found: set[tuple[str, int]] = set()
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".") if module else []
                if not is_package:
                    base = base[:-1]
                base = base[:len(base) - (node.level - 1)] if node.level > 1 else base
                absolute = ".".join([PACKAGE] + base + ([node.module] if node.module else []))
            else:
                absolute = node.module or ""
            names = [f"{absolute}.{alias.name}" for alias in node.names] + [absolute]
            # ``from pkg import submodule`` imports the submodule; ``from pkg
            # import name`` imports pkg: keep the longest that is ours
            names = [max(names[:-1], key=len)] if any(
                n[len(PACKAGE) + 1:] in MODULES for n in names[:-1]) else [absolute]
        for name in names:
            if name == PACKAGE or name.startswith(PACKAGE + "."):
                target = _resolve(name[len(PACKAGE) + 1:])
                if target is not None and target != module:
                    found.add((target, node.lineno))
    return found


def rank(module: str) -> int:
    best = None
    for value, prefix in LAYERS:
        if module == prefix or module.startswith(prefix + "."):
            if best is None or len(prefix) > len(best[1]):
                best = (value, prefix)
    assert best is not None, f"{module} is in no layer: add it to LAYERS"
    return best[0]


def _capability(module: str) -> str | None:
    return next((c for c in CAPABILITIES if module == c or module.startswith(c + ".")), None)


GRAPH = {module: imports_of(module) for module in MODULES}


def test_every_module_has_a_layer():
    for module in MODULES:
        if module:
            rank(module)


def test_no_import_goes_up_a_layer():
    upward = [f"{m} (layer {rank(m)}) imports {t} (layer {rank(t)}) at line {line}"
              for m, targets in GRAPH.items() if m for t, line in targets
              if t and rank(t) > rank(m)]
    assert not upward, "\n".join(upward)


def test_no_import_cycle():
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []
    counter = [0]

    def visit(node: str) -> None:        # Tarjan's strongly connected components
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for target, _line in GRAPH.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                item = stack.pop()
                on_stack.discard(item)
                component.append(item)
                if item == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for module in GRAPH:
        if module not in index:
            visit(module)
    assert not cycles, f"import cycles: {cycles}"


def test_capabilities_are_used_through_their_package():
    reaching_in = []
    for module, targets in GRAPH.items():
        for target, line in targets:
            owner = _capability(target)
            if owner and target != owner and _capability(module) != owner:
                reaching_in.append(f"{module}:{line} imports {target}: use {owner}")
    assert not reaching_in, "\n".join(reaching_in)


def test_no_module_over_400_lines():
    long = {str(path.relative_to(ROOT)): n for path in SOURCE.rglob("*.py")
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > 400}
    assert not long, long


# --- the checker itself finds what it should ------------------------------------------

def test_the_checker_sees_imports_inside_functions_and_relative_ones():
    source = (
        "import json\n"
        "from ckanext.opdc_kpi.logic import site\n"
        "def f():\n"
        "    from ckanext.opdc_kpi.logic.score import organizations\n"
        "    from . import base\n"
        "    import ckanext.opdc_kpi.views.kpi\n")
    found = imports_of("cli.demo", source, is_package=False)
    assert found == {("logic.site", 2), ("logic.score", 4), ("cli.base", 5), ("views.kpi", 6)}


def test_the_checks_can_fail(monkeypatch):
    monkeypatch.setitem(globals(), "GRAPH", {"scoring": {("logic.score", 1)},
                                             "logic.score": {("scoring", 1)}})
    with pytest.raises(AssertionError, match="import cycles"):
        test_no_import_cycle()
    with pytest.raises(AssertionError, match="imports logic.score"):
        test_no_import_goes_up_a_layer()
    monkeypatch.setitem(globals(), "GRAPH", {"views.kpi": {("logic.score.reader", 3)}})
    with pytest.raises(AssertionError, match="use logic.score"):
        test_capabilities_are_used_through_their_package()
