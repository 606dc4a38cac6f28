"""Benchmarks: ``python bench/run.py NAME [...] [--option ...]``.

Each benchmark lives in ``bench/<name>/main.py`` and has a ``main(argv)``;
it runs on the database of ``CKAN_SQLALCHEMY_URL`` (``make bench`` runs them
all, each on its own database). Figures and how to read them: bench/README.md.
"""
from __future__ import annotations

import importlib.util
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent
BENCHMARKS = ["search", "kpi", "harvest", "excel", "kpi_page", "dcat"]


def _load(name: str):
    path = HERE / name / "main.py"
    spec = importlib.util.spec_from_file_location(f"opdc_bench_{name}", path)
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(path.parent))
    spec.loader.exec_module(module)
    return module


def main(argv: list[str]) -> int:
    names, options = [], list(argv)
    while options and not options[0].startswith("-"):
        names.append(options.pop(0))
    if not names:
        print(f"name a benchmark: {BENCHMARKS} (make bench runs them all, each on its "
              "own database)", file=sys.stderr)
        return 2
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        print(f"unknown benchmark(s) {unknown}; available: {BENCHMARKS}", file=sys.stderr)
        return 2
    status = 0
    for name in names:
        status |= _load(name).main(options) or 0
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
