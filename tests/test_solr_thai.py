"""Thai search on Solr (issue 28, item 1): CKAN's Solr schema with Thai
search (``ckan opdc-kpi solr-schema``, ``ckanext/opdc_kpi/search/solr_schema.py``),
which ``scripts/solr.sh`` gives this project's cores.

Every test runs in Solr mode only (``make test SEARCH=solr``).

- The transformation (pure): only CKAN's ``text`` field
  type changes, the rest of the installed CKAN's file stays byte for byte,
  its ``name`` included (CKAN's start-up check); a file not shaped as
  expected is refused; the command prints it and leaves CKAN's file alone.
- On Solr: the core runs it; text without Thai letters
  passes its char filters unchanged; a Thai word is found inside longer
  words, a Thai query of several words as a phrase, a choice value
  (update frequency "เดือน") is no text; and the recall measure: each Thai
  word of the titles of a catalog (the search benchmark's datasets and the
  differential test's titles), searched alone, finds on Solr what it finds
  on the PostgreSQL search, for at least 95 % of the words, both directions
  checked. The words are Solr's ThaiTokenizer's on this Java runtime: a
  runtime without Thai word breaking fails here, it is not skipped.
"""
from __future__ import annotations

import hashlib
import importlib.util
import json
import pathlib
import random
import sys
import urllib.parse
import urllib.request

import pytest

from ckanext.opdc_kpi.search import solr_schema

ROOT = pathlib.Path(__file__).resolve().parents[1]
#: catalog of the recall test: the benchmark's first datasets, every 4th with
#: one of the differential test's titles instead (OPDC_KPI_THAI_RECALL_DATASETS)
RECALL_DATASETS = 400

# the Solr stage only (CI's lanes without Solr gain nothing from this file)
pytestmark = pytest.mark.solr


def _bench_module(name: str):
    path = ROOT / "bench" / "search" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"opdc_bench_search_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


thai_recall = _bench_module("thai_recall")


# -- the transformation (every mode) -------------------------------------------------

def _ckan_schema() -> str:
    return solr_schema.ckan_schema_path().read_text(encoding="utf-8")


def _text_type(schema: str) -> str:
    start = schema.index('<fieldType name="text" ')
    return schema[start:schema.index("</fieldType>", start)]


def test_only_the_text_field_type_changes():
    ckan = _ckan_schema()
    thai = solr_schema.thai_schema(ckan)
    assert thai != ckan and solr_schema.is_thai(thai) and not solr_schema.is_thai(ckan)
    assert solr_schema.schema_name(thai) == solr_schema.schema_name(ckan)
    assert solr_schema.schema_name(ckan).startswith("ckan-2.1")
    # outside the text field type: CKAN's file, byte for byte
    before, after = ckan.split(_text_type(ckan)), thai.split(_text_type(thai))
    assert before == after
    # inside it: CKAN's lines, with the char filters (and their comment) added
    # before each analyzer's tokenizer and autoGeneratePhraseQueries on the type
    added = [line for line in _text_type(thai).splitlines()
             if line not in _text_type(ckan).splitlines()]
    assert len(added) == 1 + 2 * 3
    assert 'autoGeneratePhraseQueries="true"' in added[0]
    kept = _text_type(thai).replace(' autoGeneratePhraseQueries="true"', "").splitlines()
    assert [line for line in kept if line.strip() not in {a.strip() for a in added[1:]}] == \
        _text_type(ckan).splitlines()
    assert solr_schema.thai_schema(thai) == thai


@pytest.mark.parametrize("change, message", [
    (lambda s: s.replace('<fieldType name="text" ', '<fieldType name="text_x" ', 1),
     'expected one <fieldType name="text">'),
    (lambda s: s.replace('<schema name=', '<schema id=', 1), "no <schema name="),
    (lambda s: s.replace("solr.WhitespaceTokenizerFactory", "solr.StandardTokenizerFactory", 1),
     "solr.WhitespaceTokenizerFactory"),
    (lambda s: s.replace('<analyzer type="query">', '<analyzer type="multiterm"></analyzer>'
                         '<analyzer type="query">', 1), "two analyzers"),
])
def test_a_schema_not_shaped_as_ckans_is_refused(change, message):
    with pytest.raises(solr_schema.SchemaShapeError, match=message):
        solr_schema.thai_schema(change(_ckan_schema()))


@pytest.mark.usefixtures("with_plugins")
def test_the_command_prints_it_and_leaves_ckans_file_alone(cli, tmp_path):
    from ckan.cli.cli import ckan

    from ckanext.opdc_kpi.cli.solr import solr_schema as command

    path = solr_schema.ckan_schema_path()
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    printed = cli.invoke(ckan, ["opdc-kpi", "solr-schema"])
    assert printed.exit_code == 0, printed.output
    out = printed.stdout if hasattr(printed, "stdout") else printed.output
    assert out == solr_schema.thai_schema(path.read_text(encoding="utf-8"))
    target = tmp_path / "schema.xml"
    command.callback(output=str(target))  # --output FILE
    assert target.read_text(encoding="utf-8") == out
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest


# -- on Solr --------------------------------------------------------------------------

def _solr(path: str, **params) -> dict:
    import ckan.plugins.toolkit as tk

    url = tk.config.get("solr_url").rstrip("/") + path + "?" + urllib.parse.urlencode(
        dict(params, wt="json"), doseq=True)
    with urllib.request.urlopen(url, timeout=30) as answer:
        return json.load(answer)


def test_the_java_runtime_breaks_thai_words():
    """Solr's ThaiTokenizer (what the recall measure takes its words from)
    needs the runtime's Thai dictionary (module jdk.localedata)."""
    assert thai_recall.segment(["สถิติประมงพื้นบ้านรายเดือน", "water น้ำฝน"]) == [
        ["สถิติ", "ประมง", "พื้นบ้าน", "ราย", "เดือน"], ["water", "น้ำ", "ฝน"]]


@pytest.mark.usefixtures("with_plugins")
def test_the_core_runs_the_thai_schema():
    import ckan.plugins.toolkit as tk
    from ckan.lib.search import check_solr_schema_version

    url = tk.config.get("solr_url").rstrip("/") + "/admin/file?file=schema.xml"
    with urllib.request.urlopen(url, timeout=30) as answer:
        served = answer.read().decode("utf-8")
    assert served == solr_schema.thai_schema(_ckan_schema()), (
        "the core does not run the Thai schema (scripts/solr.sh start writes it)")
    assert check_solr_schema_version() is True  # CKAN's start-up check


LATIN = ("COVID-19 cases, e-mail iPhone foo_bar 2566/67 O'Neil's naïve "
         "https://data.example.go.th/a?b=1&c=2 Ελληνικά 中文 العربية ฿100 ๏")


@pytest.mark.usefixtures("with_plugins")
def test_text_without_thai_letters_passes_the_thai_filters_unchanged():
    """The char filters are the only change to CKAN's analysis: what they
    leave unchanged is tokenized exactly as by CKAN's schema."""
    answer = _solr("/analysis/field", **{"analysis.fieldtype": "text",
                                         "analysis.fieldvalue": LATIN,
                                         "analysis.query": LATIN, "json.nl": "arrarr"})
    stages = answer["analysis"]["field_types"]["text"]
    for side in ("index", "query"):
        char_filters = [out for name, out in stages[side] if "CharFilter" in name]
        assert len(char_filters) == 2, f"{side}: no Thai char filters"
        assert char_filters == [LATIN, LATIN]
    thai = _solr("/analysis/field", **{"analysis.fieldtype": "text", "json.nl": "arrarr",
                                       "analysis.fieldvalue": "สถิติประมง ณ นํ้า"})
    tokens = [t["text"] for t in thai["analysis"]["field_types"]["text"]["index"][-1][1]]
    assert tokens == ["สถ", "ถิ", "ิต", "ติ", "ิป", "ปร", "ระ", "ะม", "มง", "ณ", "น้", "้ำ"]


@pytest.fixture(scope="module")
def thai_datasets(fresh_db):
    """Made once for the tests below, which only search (each test with
    ``clean_db`` would make them again: ~20 s in the Solr stage)."""
    from ckan import plugins

    from tests.pgsearch_support import make_dataset

    plugins.load_all()
    fresh_db()
    made = {
        "fishery": make_dataset(title="สถิติประมงพื้นบ้านรายปี"),
        "apart": make_dataset(title="ประมงทะเลรายปี", notes="อาหารพื้นบ้านทั่วประเทศ"),
        "plan": make_dataset(title="แผนขับเคลื่อนยุทธศาสตร์ชาติ"),
        "breakdown": make_dataset(title="สถิติรถขัดข้องบนทางพิเศษ"),
        # the split SARA AM (NIKHAHIT + SARA AA), as legacy data types it
        "rain": make_dataset(title="ปริมาณน\u0e49\u0e4d\u0e32ฝนรายปี"),
        "covid": make_dataset(title="COVID-19 cases"),
        "covid apart": make_dataset(title="Covid vaccine in 19 provinces"),
        # update frequency (a choice): "ปี" and "เดือน"
        "monthly": make_dataset(title="สถิติผู้ใช้บริการรายเดือน", update_frequency_unit="ปี"),
        "updated monthly": make_dataset(title="สถิติผู้ใช้บริการ",
                                        update_frequency_unit="เดือน"),
    }
    return {key: dataset["id"] for key, dataset in made.items()}


def _found(q: str) -> set[str]:
    from ckan.tests import helpers

    return {d["id"] for d in helpers.call_action("package_search", q=q, rows=100)["results"]}


@pytest.mark.usefixtures("with_plugins")
def test_a_thai_word_is_found_inside_longer_words(thai_datasets):
    d = thai_datasets
    assert _found("ประมง") == {d["fishery"], d["apart"]}
    assert _found("พื้นบ้าน") == {d["fishery"], d["apart"]}
    assert _found("แผนขับเคลื่อน") == {d["plan"]}
    assert _found("รถขัดข้อง") == {d["breakdown"]}
    assert _found("น้ำฝน") == _found("น\u0e49\u0e4d\u0e32ฝน") == {d["rain"]}
    assert _found("ทะเล ประมง") == {d["apart"]}  # two words: both required


@pytest.mark.usefixtures("with_plugins")
def test_a_thai_query_of_several_words_is_a_phrase(thai_datasets):
    """ประมงพื้นบ้าน is ประมง + พื้นบ้าน: the dataset having both words apart
    is not found (dismax's mm applies to the words typed, not to pieces)."""
    assert _found("ประมงพื้นบ้าน") == {thai_datasets["fishery"]}
    assert _found("ขับเคลื่อนยุทธศาสตร์") == {thai_datasets["plan"]}
    assert _found("ประมงทะเลพื้นบ้าน") == set()


@pytest.mark.usefixtures("with_plugins")
def test_a_latin_word_the_query_analysis_splits_is_a_phrase_too(thai_datasets):
    """The one change for text without Thai (autoGeneratePhraseQueries is a
    property of the field type): ``covid-19`` is "covid" followed by "19",
    as the PostgreSQL search matches it, not "covid" or "19" anywhere."""
    assert _found("covid-19") == {thai_datasets["covid"]}
    assert _found("covid") == {thai_datasets["covid"], thai_datasets["covid apart"]}


@pytest.mark.usefixtures("with_plugins")
def test_a_choice_value_is_not_text(thai_datasets):
    """The update frequency "เดือน" (a choice) is a filter and a facet, not
    text, on both backends: ``q=เดือน`` finds the dataset whose title says
    รายเดือน, none of the others, which are updated monthly."""
    from ckan.tests import helpers

    assert _found("เดือน") == {thai_datasets["monthly"]}
    by_filter = helpers.call_action("package_search", rows=100,
                                    fq='update_frequency_unit:"เดือน"')
    ids = {d["id"] for d in by_filter["results"]}
    assert thai_datasets["updated monthly"] in ids and thai_datasets["monthly"] not in ids


# -- the recall measure -----------------------------------------------------------------

def _recall_catalog(count: int) -> list[tuple]:
    """The benchmark's first ``count`` datasets; every 4th gets a title of
    the differential test's catalog (its generator and seed)."""
    from tests.test_search_differential import _title

    seed = _bench_module("seed")
    rng = random.Random(17)
    items = []
    for n, (pkg_dict, validated, labels) in enumerate(seed.datasets(count)):
        if n % 4 == 3:
            title = _title(rng, n)
            pkg_dict, validated = dict(pkg_dict, title=title), dict(validated, title=title)
        items.append((pkg_dict, validated, labels))
    return items


@pytest.fixture(scope="module")
def recall_catalog(fresh_db):
    """Both backends hold the catalog: the search table and CKAN's tables by
    the benchmark's bulk load, Solr by CKAN's own Solr indexer (its documents
    posted in batches)."""
    import os

    from ckan import model, plugins

    from ckanext.opdc_kpi.search.index import build_row

    plugins.load_all()
    fresh_db()
    count = int(os.environ.get("OPDC_KPI_THAI_RECALL_DATASETS", RECALL_DATASETS))
    seed, solr_side = _bench_module("seed"), _bench_module("solr_side")
    items = _recall_catalog(count)
    raw = model.meta.engine.raw_connection()
    try:
        seed.load(getattr(raw, "dbapi_connection", raw), count, build_row,
                  echo=lambda line: None, items=items)
    finally:
        raw.close()
    solr_side.index_catalog(seed, count, lambda line: None, items=items)
    return {"count": count, "titles": [pkg["title"] for pkg, _v, _l in items]}


@pytest.mark.usefixtures("with_plugins")
def test_solr_finds_each_thai_word_of_the_titles_where_the_postgresql_search_does(
        recall_catalog):
    words = thai_recall.thai_words(recall_catalog["titles"])
    result = thai_recall.measure(words, thai_recall.query_search(recall_catalog["count"] + 1))
    report = "\n".join(thai_recall.lines(result))
    print("\n" + report)
    # not vacuous: the benchmark's and the differential test's words, found
    assert result["words"] >= 100 and {"ประมง", "โรงเรียน", "น้ำ"} <= set(words)
    assert result["found_by_pg"] >= 0.95 * result["words"]
    assert result["share_equal"] >= 0.95, report
    # the one kind of miss README lists: a word of one letter
    assert all(len(miss["word"]) == 1 for miss in result["misses"]), report
