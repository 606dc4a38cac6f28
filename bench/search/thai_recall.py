"""Thai recall: does Solr find a Thai word where the PostgreSQL search does?

Each Thai word of the catalog's titles (the words Solr's
``solr.ThaiTokenizerFactory`` cuts them into on this Java runtime:
``scripts/solr.sh thai-words``) is searched alone (``q=<word>``, as
``package_search`` hands it to either query class, every dataset visible) on
both backends; a word counts as equal when both return the same datasets
(both directions: Solr ⊆ PostgreSQL and PostgreSQL ⊆ Solr). Used by
``tests/test_solr_thai.py`` (a small catalog, in the Solr test stage) and by
``bench/run.py search --thai-recall`` (the benchmark's 50,000 datasets).
"""
from __future__ import annotations

import pathlib
import subprocess
from typing import Callable, Iterable

ROOT = pathlib.Path(__file__).resolve().parents[2]
_THAI = range(0x0E01, 0x0E5C)


def has_thai(text: str) -> bool:
    return any(ord(c) in _THAI for c in text)


def segment(lines: list[str]) -> list[list[str]]:
    """The words of each line, as Solr's ThaiTokenizer cuts them (a Java
    process, ``scripts/solr.sh thai-words``)."""
    clean = [" ".join(line.split()) for line in lines]
    done = subprocess.run([str(ROOT / "scripts" / "solr.sh"), "thai-words"],
                          input="\n".join(clean) + "\n", capture_output=True,
                          text=True, encoding="utf-8", cwd=ROOT, timeout=600)
    if done.returncode != 0:
        raise RuntimeError(f"scripts/solr.sh thai-words failed: {done.stderr[-2000:]}")
    out = done.stdout.split("\n")[:len(clean)]
    if len(out) != len(clean):
        raise RuntimeError(f"scripts/solr.sh thai-words gave {len(out)} lines for {len(clean)}")
    return [[w for w in line.split("\t") if w] for line in out]


def thai_words(titles: Iterable[str]) -> list[str]:
    """The distinct words with a Thai letter among the titles' words, in the
    order first seen."""
    titles = list(dict.fromkeys(titles))
    words: dict[str, None] = {}
    for line in segment(titles):
        for word in line:
            if has_thai(word):
                words.setdefault(word, None)
    return list(words)


def measure(words: list[str], search: Callable[[str, str], set[str]]) -> dict:
    """``search(backend, word)`` -> the ids found, for ``"pg"`` and ``"solr"``.
    Per word: both sets' sizes and what only one of them found."""
    rows = []
    for word in words:
        pg, solr = search("pg", word), search("solr", word)
        rows.append({"word": word, "pg": len(pg), "solr": len(solr),
                     "only_pg": sorted(pg - solr), "only_solr": sorted(solr - pg)})
    equal = [r for r in rows if not r["only_pg"] and not r["only_solr"]]
    return {
        "words": len(rows),
        "equal": len(equal),
        "share_equal": round(len(equal) / len(rows), 4) if rows else None,
        "solr_within_pg": sum(1 for r in rows if not r["only_solr"]),
        "pg_within_solr": sum(1 for r in rows if not r["only_pg"]),
        "found_by_pg": sum(1 for r in rows if r["pg"]),
        "misses": [dict(r, only_pg=r["only_pg"][:5], only_solr=r["only_solr"][:5],
                        only_pg_count=len(r["only_pg"]), only_solr_count=len(r["only_solr"]))
                   for r in rows if r["only_pg"] or r["only_solr"]],
        "per_word": [{"word": r["word"], "pg": r["pg"], "solr": r["solr"]} for r in rows],
    }


def query_search(rows: int) -> Callable[[str, str], set[str]]:
    """``search(backend, word)`` through the two query classes, as
    ``package_search`` hands them a free-text ``q`` (every dataset of the
    catalog visible: no permission labels, drafts and private included)."""
    from ckan.lib.search.query import PackageSearchQuery

    from ckanext.opdc_kpi.search.query import PgPackageSearchQuery

    classes = {"pg": PgPackageSearchQuery, "solr": PackageSearchQuery}

    def search(backend: str, word: str) -> set[str]:
        params = {"q": word, "fl": "id", "rows": rows,
                  "fq": "+state:(active OR draft)", "facet": "false"}
        answer = classes[backend]().run(params, permission_labels=None)
        found = {r if isinstance(r, str) else r["id"] for r in answer["results"]}
        if answer["count"] != len(found):
            raise AssertionError(f"{backend}, {word!r}: count {answer['count']} but "
                                 f"{len(found)} ids (rows {rows})")
        return found
    return search


def lines(result: dict) -> list[str]:
    """The measure as text (the misses one a line)."""
    out = [f"Thai words searched: {result['words']}; Solr's hits equal the PostgreSQL "
           f"search's for {result['equal']} ({100 * (result['share_equal'] or 0):.1f} %); "
           f"Solr within PostgreSQL {result['solr_within_pg']}, PostgreSQL within Solr "
           f"{result['pg_within_solr']}; found by the PostgreSQL search: {result['found_by_pg']}"]
    for miss in result["misses"]:
        out.append(f"  miss {miss['word']}: pg {miss['pg']}, Solr {miss['solr']}, only pg "
                   f"{miss['only_pg_count']}, only Solr {miss['only_solr_count']}")
    return out
