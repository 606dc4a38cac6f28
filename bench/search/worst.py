"""The worst searches the request limits accept, beside ``*:*`` (issue 26).

``bench/run.py search --worst`` times, on the PostgreSQL search and the
benchmark's 50,000 datasets, each candidate for "the most work one accepted
request can ask for" side by side with two baselines, in alternating turns
(baseline, candidate, baseline, ...) so both meet the same background load:
``*:*`` as the API's default (10 rows, no facets) and ``*:*`` as the
``/dataset`` page sends it (20 rows, its facets). Each candidate is first
checked against the site's default limits (``search.limits.excesses``): it
is accepted. A search that runs into ``ckanext.opdc_kpi.search.timeout``
is recorded with its status (409 "The search took too long").
"""
from __future__ import annotations

import statistics
import time
from typing import Any, Callable

ALL_FACETS = ["organization", "owner_org", "groups", "tags", "res_format", "license_id",
              "data_category", "vocab_opdc_focus_areas"]
# document fields every seeded dataset has, of high cardinality (titles, notes, urls)
DOCUMENT_FACETS = ["notes", "title", "name", "id", "res_url", "res_name", "maintainer",
                   "maintainer_email", "metadata_modified", "objective"]


def _spread(terms: list[str], limit: int = 1024, length: int = 9_900,
            entries: int = 50) -> dict[str, Any]:
    """``terms`` (one clause each) as ``q`` and ``fq_list`` entries, each
    string within the PostgreSQL search's 10,000 characters."""
    strings: list[list[str]] = [[]]
    for term in terms[:limit]:
        if len(" ".join(strings[-1] + [term])) > length:
            strings.append([])
        strings[-1].append(term)
    assert len(strings) <= entries + 1, "too long for q and fq_list"
    out: dict[str, Any] = {"q": " ".join(strings[0])}
    if len(strings) > 1:
        out["fq_list"] = [" ".join(s) for s in strings[1:]]
    return out


def candidates() -> dict[str, dict[str, Any]]:
    n = 1024
    return {
        # 50 facet fields: the page's 8, 32 vocabularies no dataset has, and
        # the 10 document fields with the most values, over every dataset
        "facets_50_of_which_10_documents": {
            "q": "*:*", "rows": 20, "facet.limit": 50,
            "facet.field": ALL_FACETS + [f"vocab_zz{i}" for i in range(32)] + DOCUMENT_FACETS},
        # 50 facet fields no dataset has, over every dataset
        "facets_50_unknown": {
            "q": "*:*", "rows": 20,
            "facet.field": ALL_FACETS + [f"vocab_zz{i}" for i in range(32)]
            + [f"no_such_field_{i}" for i in range(10)]},
        # the 10 sort clauses, over every dataset, with the page's facets
        "sort_10_clauses": {
            "q": "*:*", "rows": 20, "facet.field": ALL_FACETS, "facet.limit": 50,
            "sort": "title_string asc, metadata_modified desc, name asc, metadata_created desc, "
                    "owner_org asc, state asc, views_recent desc, name desc, "
                    "metadata_modified asc, id desc"},
        # 1,024 clauses, each excluding a tag no dataset has (the in-row facet array)
        "clauses_1024_facet_exclusions": _spread([f"-tags:zz{i}" for i in range(n)]),
        # 1,024 clauses, each excluding a value of a document field (the TOASTed document)
        "clauses_1024_document_exclusions": _spread(
            [f"-maintainer:zz{i}" for i in range(n)]),
        # 1,024 clauses, each excluding a word (the out-of-row text)
        "clauses_1024_word_exclusions": _spread([f"-zzword{i}" for i in range(n)]),
        # 1,024 words, any of which would do (one in every title, the others nowhere)
        "clauses_1024_words_or": {"q": " OR ".join(["ข้อมูล"] + [f"zw{i}" for i in range(n - 1)])},
        # for scale: that one word alone (in almost every dataset; relevance order)
        "one_word_in_every_dataset": {"q": "ข้อมูล"},
        # short words, any of which would do: too short for the trigram index,
        # so each is looked for in every dataset's text; issue 28 limits them to
        # 8 (max_unindexed_clauses), the rest of the 1,024 clauses words of three
        "clauses_1024_of_which_8_short_words": {"q": " OR ".join(
            [f"z{i}" for i in range(8)] + [f"zw{i}" for i in range(n - 8)])},
        "clauses_8_short_words": {"q": " OR ".join(f"z{i}" for i in range(8))},
        # 50 fq_list entries on document fields (ranges and wildcards)
        "fq_list_50_document_ranges": {"q": "*:*", "fq_list": [
            f"-num_resources:[{100 + i} TO *] -maintainer:zz{i}*" for i in range(50)]},
        # 1,024 ranges on a document field (issue 28: the documents' values table)
        "clauses_1024_document_ranges": _spread(
            [f"-num_resources:[{100 + i} TO *]" for i in range(n)]),
    }


def baselines() -> dict[str, dict[str, Any]]:
    return {"all_plain": {"q": "*:*"},
            "all_page_facets": {"q": "*:*", "rows": 20, "facet.field": ALL_FACETS,
                                "facet.limit": 50}}


def _one(client, params: dict[str, Any]) -> tuple[float, int, Any]:
    started = time.perf_counter()
    response = client.post("/api/3/action/package_search", json=params)
    seconds = (time.perf_counter() - started) * 1000
    body = response.get_json(silent=True) or {}
    return seconds, response.status_code, body


def run(client, rounds: int, echo: Callable[[str], None], only=None) -> dict[str, Any]:
    from ckanext.opdc_kpi.search.limits import LIMITS, excesses

    defaults = {limit: default for limit, (_key, default) in LIMITS.items()}
    report: dict[str, Any] = {}
    base = baselines()
    for params in base.values():  # warm
        _one(client, params)
    for name, params in candidates().items():
        if only and name not in only:
            continue
        refused = excesses(params, defaults)
        assert not refused, f"{name} is over a limit: {refused}"
        _one(client, params)  # warm
        times: dict[str, list[float]] = {"candidate": [], **{b: [] for b in base}}
        statuses: list[int] = []
        last: Any = None
        for turn in range(rounds):
            order = ["candidate", *base] if turn % 2 else [*base, "candidate"]
            for who in order:
                ms, status, body = _one(client, params if who == "candidate" else base[who])
                times[who].append(ms)
                if who == "candidate":
                    statuses.append(status)
                    last = body
        medians = {who: round(statistics.median(t), 1) for who, t in times.items()}
        result = (last or {}).get("result") or {}
        report[name] = {
            "params_summary": {k: (len(v) if isinstance(v, list) else
                                   (f"{len(v)} characters" if isinstance(v, str) and len(v) > 80
                                    else v)) for k, v in params.items()},
            "statuses": statuses,
            "count": result.get("count"),
            "error": (last or {}).get("error"),
            "median_ms": medians,
            "max_ms": round(max(times["candidate"]), 1),
            "ratio_to_all_plain": round(medians["candidate"] / medians["all_plain"], 2),
            "ratio_to_all_page_facets": round(
                medians["candidate"] / medians["all_page_facets"], 2),
        }
        r = report[name]
        echo(f"{name:36s} status {sorted(set(statuses))} median {medians['candidate']:8.1f} ms"
             f" | *:* {medians['all_plain']:6.1f} ms ({r['ratio_to_all_plain']}x)"
             f" | *:* + page facets {medians['all_page_facets']:6.1f} ms "
             f"({r['ratio_to_all_page_facets']}x)")
    return report
