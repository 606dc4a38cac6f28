"""Helpers for the PostgreSQL search tests (tests/test_pgsearch*.py).

``make_dataset`` creates a dataset through ``package_create`` whatever the
site's dataset schema is: with the complete DGA schema it starts from
``tests.factories_dga.dga_dataset_dict`` (text fields neutralised, so that a
search test's words only occur where the test puts them); fields the
current schema does not have (``data_category``, ``allow_harvest``, ...)
are added to the validated dict and the dataset indexed again, which is
what a scheming schema with those fields hands to the index.
No module-level CKAN import (this module may be imported early by pytest).
"""
from __future__ import annotations

import itertools
from typing import Any, Optional

FOCUS_VOCABULARY = "opdc_focus_areas"
FOCUS_CODES = ("economy", "agriculture", "tourism", "income-employment", "welfare-equality",
               "health", "education", "environment", "public-administration", "security")
# The DGA factory's free-text values, replaced so search tests control every word.
NEUTRAL_TEXT = {
    "notes": "Neutral description",
    "tag_string": "misc",
    "maintainer": "Neutral maintainer",
    "data_source": "Neutral source",
    "mission": "Neutral mission",
    "work_process": "Neutral process",
    "resources": [],  # a test that searches resources gives them
}
_names = itertools.count(1)


def schema_fields(dataset_type: str = "dataset") -> Optional[set[str]]:
    """Field names of the scheming schema, or None without scheming."""
    import ckan.plugins as p

    if not p.plugin_loaded("scheming_datasets"):
        return None
    from ckanext.scheming.helpers import scheming_get_dataset_schema

    schema = scheming_get_dataset_schema(dataset_type) or {}
    return {f["field_name"] for f in schema.get("dataset_fields", [])}


def focus_vocabulary_id() -> str:
    """The focus-area vocabulary, created with its 10 codes when missing."""
    from ckan.tests import helpers

    import ckan.model as model

    vocab = model.Vocabulary.get(FOCUS_VOCABULARY)
    if vocab is None:
        return helpers.call_action("vocabulary_create", name=FOCUS_VOCABULARY,
                                   tags=[{"name": c} for c in FOCUS_CODES])["id"]
    present = {t.name for t in vocab.tags}
    for code in FOCUS_CODES:
        if code not in present:
            helpers.call_action("tag_create", name=code, vocabulary_id=vocab.id)
    return vocab.id


def make_dataset(**fields: Any) -> dict[str, Any]:
    """Create a dataset; returns ``package_show``'s dict (plus any fields the
    schema lacks, as indexed). ``owner_org`` defaults to a new organization;
    ``focus_area`` is a focus-area code."""
    from ckan.tests import factories

    base, outside = dataset_dict(**fields)
    dataset = factories.Dataset(**base)
    if outside:
        reindex_with(dataset["id"], **outside)
        dataset.update(outside)
    return dataset


def dataset_dict(**fields: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """``(data for package_create, fields the schema lacks)``."""
    from ckan.tests import factories

    if "owner_org" not in fields:
        fields["owner_org"] = factories.Organization()["id"]
    fields.setdefault("name", f"pgsearch-dataset-{next(_names)}")
    known = schema_fields()
    try:
        from tests.factories_dga import dga_dataset_dict
    except ImportError:
        dga_dataset_dict = None
    base: dict[str, Any] = {}
    if dga_dataset_dict is not None and known and "data_category" in known:
        base = dga_dataset_dict(owner_org=fields["owner_org"])
        base.update(NEUTRAL_TEXT)
    base.update(fields)
    core = {"name", "title", "owner_org", "private", "state", "notes", "tag_string", "tags",
            "resources", "groups", "license_id", "user", "type", "url", "extras"}
    outside = {} if known is None else {
        k: v for k, v in base.items() if k not in known and k not in core}
    for key in outside:
        base.pop(key)
    focus = outside.pop("focus_area", None)
    if focus:
        vocab_id = focus_vocabulary_id()
        base["tags"] = list(base.get("tags") or []) + [{"name": focus, "vocabulary_id": vocab_id}]
        base.setdefault("tag_string", "")
    if "tags" in base and not base.get("tag_string"):
        base.pop("tag_string", None)
    return base, outside


def reindex_with(dataset_id: str, **validated_extra: Any) -> None:
    """Index the dataset again as CKAN does, with these fields added at the
    top level of the validated dict (as a scheming field would be)."""
    import ckan.model as model
    from ckan.lib.search import index_for
    from ckan.tests import helpers

    raw = helpers.call_action("package_show", context={"validate": False, "use_cache": False},
                              id=dataset_id)
    validated = helpers.call_action("package_show", context={"use_cache": False}, id=dataset_id)
    validated.update(validated_extra)
    raw["with_custom_schema"] = validated
    index_for(model.Package).index_package(raw)
    model.Session.commit()


def search(user: Optional[dict] = None, **params: Any) -> dict[str, Any]:
    """``package_search`` as the user (anonymous by default), with auth."""
    import ckan.plugins.toolkit as tk

    context = {"user": user["name"] if user else ""}
    return tk.get_action("package_search")(context, params)


def names(result: dict[str, Any]) -> list[str]:
    return [d["name"] for d in result["results"]]


def index_in_both(ids: list[str]) -> None:
    """Index each dataset into CKAN's Solr index and the PostgreSQL search
    from the same ``package_show`` dicts, as a rebuild would (the
    differential tests compare the two answers over one catalog)."""
    import ckan.model as model
    import ckan.plugins.toolkit as tk
    from ckan.lib.search.index import PackageSearchIndex
    from ckan.tests import helpers

    from ckanext.opdc_kpi.search.index import PgPackageSearchIndex

    # CKAN 2.12's index takes the validated dict beside the raw one; 2.11's
    # validates the raw one itself (a nested dict would be a child document)
    takes_validated = tk.check_ckan_version(min_version="2.12")
    solr, pg = PackageSearchIndex(), PgPackageSearchIndex()
    for pid in ids:
        raw = helpers.call_action("package_show", context={"validate": False,
                                                           "use_cache": False}, id=pid)
        validated = helpers.call_action("package_show", context={"use_cache": False}, id=pid)
        doc = dict(raw, with_custom_schema=validated) if takes_validated else dict(raw)
        solr.index_package(dict(doc), defer_commit=True)
        pg.index_package(dict(doc))
    solr.commit()
    model.Session.commit()


def ask(query_cls: Any, params: dict[str, Any], labels: Optional[list[str]]
        ) -> tuple[list[str], int, dict[str, dict[str, int]]]:
    """(ids, count, facets) of a search run by one backend's query class, as
    package_search hands it ``params`` and the caller's permission labels."""
    import json

    query = query_cls()
    answer = query.run(json.loads(json.dumps(params)), permission_labels=labels)
    ids = [r if isinstance(r, str) else r["id"] for r in answer["results"]]
    facets = {field: dict(values) for field, values in (query.facets or {}).items()}
    return ids, answer["count"], facets
