"""Mutation testing with mutmut, one area at a time (`make mutation`; not part
of `make test` or CI).

    python scripts/mutation.py run AREA [--workers N] [--fresh] [MUTANT_PATTERN...]
    python scripts/mutation.py rerun AREA [PATTERN...]  the mutants not killed (those
                                                  matching), again: after adding tests
    python scripts/mutation.py results AREA       the mutants not killed, one a line
    python scripts/mutation.py show AREA MUTANT   a mutant's diff
    python scripts/mutation.py summary AREA       killed / survived / ... counts

AREA is one of AREAS below: the code mutated and the tests that judge it.
mutmut reads its configuration from the working directory, so each area gets
its own directory, .mutation/AREA (git-ignored): links to ckanext/, tests/ and
test.ini and a pyproject.toml (the project's, plus the area's [tool.mutmut]).
mutmut copies the code into .mutation/AREA/mutants and runs the tests there;
a second run only tests what changed (--fresh starts over).

The CKAN-backed area needs what `make test` sets (CKAN_SQLALCHEMY_URL of a
test database of its own, CKAN_INI, ...): the Makefile's target sets it.
"""
from __future__ import annotations

import contextlib
import fnmatch
import inspect
import io
import json
import os
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# The Hypothesis property tests (tests/scoring/test_properties.py) and the
# validator fuzz tests are left out: they assert that nothing raises, take
# most of the suite's time (every surviving mutant would run them all) and
# draw new examples each run, so a mutant's verdict could change between runs.
# Tests that read the source are left out too (mutmut rewrites it): test_purity.py
# and the scan for emitted message codes.
AREAS = {
    "scoring": {
        "only_mutate": ["ckanext/opdc_kpi/scoring/*.py"],
        "tests": ["tests/scoring",
                  "--ignore=tests/scoring/test_properties.py",
                  "--ignore=tests/scoring/test_purity.py",
                  "--deselect=tests/scoring/test_messages.py::"
                  "test_every_emitted_code_has_messages"],
        "pytest": ["-p", "no:ckan", "-p", "no:ckan_fixtures", "-p", "no:cacheprovider"],
        "workers": 2,
    },
    # the field validators and their output converters, judged by their own tests
    # (tests/logic/test_validators.py: CKAN's plugins, no database). The dataset
    # check and the legacy allowance (checks.py, legacy.py) are judged through
    # whole actions on a database (tests/test_scheming_schema.py): not here, each
    # mutant would take a database reset per test.
    "validators": {
        "only_mutate": ["ckanext/opdc_kpi/logic/dataset/validators.py",
                        "ckanext/opdc_kpi/logic/dataset/output.py"],
        "tests": ["tests/logic/test_validators.py",
                  "--deselect=tests/logic/test_validators.py::"
                  "test_each_field_validator_gives_field_errors_only",
                  "--deselect=tests/logic/test_validators.py::"
                  "test_the_whole_schema_gives_field_errors_only",
                  "--deselect=tests/logic/test_validators.py::"
                  "test_an_update_of_a_stored_dataset_gives_field_errors_only"],
        "pytest": ["--ckan-ini=test.ini", "-p", "no:cacheprovider"],
        "workers": 1,
        # With the fork server and 1 worker the runs finish (an earlier attempt saw
        # every mutant time out): about 7 mutants a minute on a loaded 2-core
        # machine, so the ~450 mutants take about an hour. A few mutants whose
        # tests fail show as timeouts rather than killed.
        "mutmut": {"process_isolation": "forkserver"},
    },
}


# The scoring core remembers values it has worked out (normalised text, formats,
# messages, the 14-item check per dataset signature) in module-level dicts.
# mutmut forks each mutant's test run from a process that has run the tests
# already: a warm cache would hand back the unmutated result and hide the mutant.
# Each test starts with them empty, as in a fresh process (this module is a
# pytest plugin in the runs, PYTEST_PLUGINS).
CACHES = [("ckanext.opdc_kpi.scoring.text", "_NORMALIZED"),
          ("ckanext.opdc_kpi.scoring.formats", "_FORMATS_SEEN"),
          ("ckanext.opdc_kpi.scoring.messages", "_MESSAGES_SEEN"),
          ("ckanext.opdc_kpi.scoring.standard", "_CHECKED")]
PLUGIN = "opdc_kpi_mutation_plugin"


def pytest_runtest_setup(item) -> None:
    for module, name in CACHES:
        if module in sys.modules:
            getattr(sys.modules[module], name).clear()


def pytest_configure(config) -> None:
    """CKAN calls a validator with 1, 2 or 4 arguments as its code object counts
    them; mutmut's trampoline takes (*args, **kwargs): count the wrapped function's."""
    try:
        from ckan.lib.navl import dictization_functions as navl
    except ImportError:
        return
    original = navl.convert
    if getattr(original, "through_trampolines", False):
        return

    def convert(converter, key, converted_data, errors, context):
        inner = inspect.unwrap(converter)
        if inner is not converter and hasattr(inner, "__code__"):
            call = converter
            converter = {
                1: lambda value: call(value),
                2: lambda value, ctx: call(value, ctx),
                4: lambda k, data, errs, ctx: call(k, data, errs, ctx),
            }.get(inner.__code__.co_argcount, converter)
        return original(converter, key, converted_data, errors, context)

    convert.through_trampolines = True
    navl.convert = convert


def _toml_list(values: list[str]) -> str:
    return "[" + ", ".join(json.dumps(v) for v in values) + "]"


def prepare(area: str, fresh: bool) -> Path:
    spec = AREAS[area]
    work = ROOT / ".mutation" / area
    if fresh and work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True, exist_ok=True)
    for name in ("ckanext", "tests", "test.ini"):
        link = work / name
        if not link.is_symlink():
            link.symlink_to(Path("..", "..", name))
    config = (ROOT / "pyproject.toml").read_text(encoding="utf-8") + f"""
[tool.mutmut]
source_paths = ["ckanext"]
only_mutate = {_toml_list(spec["only_mutate"])}
also_copy = ["test.ini"]
pytest_add_cli_args = {_toml_list(spec["pytest"])}
pytest_add_cli_args_test_selection = {_toml_list(spec["tests"])}
""" + "".join(f"{key} = {json.dumps(value)}\n" for key, value in spec.get("mutmut", {}).items())
    (work / "pyproject.toml").write_text(config, encoding="utf-8")
    return work


def mutmut(work: Path, args: list[str]) -> None:
    """Run mutmut's command line in WORK, importing the mutated copy.

    The ckanext namespace package is set up by .pth files before this runs, with
    the checkout's ckanext/ on its path (the editable install): the mutated copy
    goes first, so `import ckanext.opdc_kpi` finds the mutants."""
    os.chdir(work)
    sys.modules.setdefault(PLUGIN, sys.modules[__name__])
    os.environ["PYTEST_PLUGINS"] = PLUGIN
    import ckanext
    ckanext.__path__ = [str(work / "mutants" / "ckanext"), *ckanext.__path__]
    from mutmut.__main__ import cli
    sys.argv = ["mutmut", *args]
    cli(standalone_mode=False)


def _results(work: Path) -> list[str]:
    """mutmut's "name: status" lines of the mutants not killed."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        mutmut(work, ["results"])
    return [line.strip() for line in out.getvalue().splitlines() if ": " in line]


def summary(work: Path) -> dict[str, int]:
    mutmut(work, ["export-cicd-stats"])
    stats = json.loads((work / "mutants" / "mutmut-cicd-stats.json").read_text())
    # of the mutants judged so far; one that no selected test reaches is not killed
    judged = sum(stats[k] for k in ("killed", "survived", "no_tests", "timeout",
                                     "suspicious", "segfault"))
    stats["judged"] = judged
    stats["killed_percent"] = round(100 * stats["killed"] / judged, 1) if judged else 0
    return stats


def main(argv: list[str]) -> int:
    if len(argv) < 2 or argv[0] not in ("run", "rerun", "results", "show", "summary") \
            or argv[1] not in AREAS:
        print(__doc__, file=sys.stderr)
        return 2
    command, area, rest = argv[0], argv[1], argv[2:]
    fresh = "--fresh" in rest
    rest = [a for a in rest if a != "--fresh"]
    work = prepare(area, fresh and command == "run")
    if command == "run":
        workers = AREAS[area]["workers"]
        if "--workers" in rest:
            workers = int(rest[rest.index("--workers") + 1])
        names = [a for a in rest if not a.startswith("--") and not a.isdigit()]
        mutmut(work, ["run", "--max-children", str(workers), *names])
        print(json.dumps(summary(work), indent=2))
    elif command == "rerun":
        # the surviving (and timed-out) mutants again, e.g. after adding tests
        patterns = [a for a in rest if not a.startswith("--")] or ["*"]
        judged = [line.split(": ")[0] for line in _results(work)
                  if not line.endswith("not checked")]
        names = [name for name in judged if any(fnmatch.fnmatch(name, p) for p in patterns)]
        if names:
            mutmut(work, ["run", "--max-children", str(AREAS[area]["workers"]), *names])
        print(json.dumps(summary(work), indent=2))
    elif command == "results":
        print("\n".join(_results(work)))
    elif command == "show":
        mutmut(work, ["show", rest[0]])
    else:
        print(json.dumps(summary(work), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
