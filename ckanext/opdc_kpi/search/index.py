"""Indexing: CKAN hands every created, updated or deleted dataset to the
package index; this one writes it to the search table in the session's own
transaction, so the table changes exactly when the dataset does."""
from __future__ import annotations

import contextvars
import datetime as dt
import json
import logging
from typing import Any, Optional

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

import ckan.lib.plugins as lib_plugins
import ckan.model as model
import ckan.plugins as p
from ckan.common import config
from ckan.lib.navl.dictization_functions import MissingNullEncoder

from ckanext.opdc_kpi.search.ckan_internals import package_index_base
from ckanext.opdc_kpi.search.fields import facet_values
from ckanext.opdc_kpi.search.model import search_table
from ckanext.opdc_kpi.search.text import normalize_for_search

PackageSearchIndex = package_index_base()

log = logging.getLogger(__name__)

FOCUS_VOCABULARY = "opdc_focus_areas"

#: set while ``ckan search-index rebuild --commit-each`` runs (backend wraps
#: CKAN's ``rebuild``): each dataset's document is committed as it is written,
#: as Solr commits it, instead of the whole catalog on the immediate path in
#: one transaction (every shared bitmap row rewritten per dataset)
COMMIT_EACH: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "opdc_kpi_commit_each", default=False)

RESOURCE_FIELDS = (
    ("name", "res_name"),
    ("description", "res_description"),
    ("format", "res_format"),
    ("url", "res_url"),
    ("resource_type", "res_type"),
)


def _strings(value: Any) -> list[str]:
    """Every scalar inside ``value`` as a string (lists flattened, dicts skipped)."""
    if value is None or isinstance(value, dict):
        return []
    if isinstance(value, (list, tuple, set)):
        out: list[str] = []
        for item in value:
            out.extend(_strings(item))
        return out
    if isinstance(value, bool):
        return ["true" if value else "false"]
    text = str(value)
    return [text] if text != "" else []


def _vocabulary_names() -> dict[str, str]:
    return {v.id: v.name for v in model.Session.query(model.Vocabulary)}


def build_document(pkg_dict: dict[str, Any], validated: dict[str, Any],
                   vocabularies: Optional[dict[str, str]] = None) -> dict[str, Any]:
    """The flattened document Solr would get: top-level fields, extras as
    fields, free tags apart from ``vocab_<name>`` tags, group and organization
    names, ``capacity``, the ``res_*`` lists and ``dataset_type``."""
    doc: dict[str, Any] = {}
    # scheming keeps custom fields at the top level of the validated dict;
    # the default-schema dict keeps them in extras.
    for source in (validated, pkg_dict):
        for key, value in source.items():
            if key in ("resources", "tags", "groups", "organization", "extras",
                       "relationships_as_subject", "relationships_as_object",
                       "tracking_summary"):
                continue
            if isinstance(value, dict):
                continue
            doc.setdefault(key, value)
    for extra in pkg_dict.get("extras") or []:
        key, value = extra.get("key"), extra.get("value")
        if not key:
            continue
        doc["extras_" + key] = value
        doc.setdefault(key, value)

    tags, vocab_tags = [], {}
    # the unvalidated dict has every tag, vocabulary tags included (as Solr's
    # index reads them); a schema's show validators may hide some
    for tag in pkg_dict.get("tags") or validated.get("tags") or []:
        if tag.get("vocabulary_id"):
            name = (vocabularies or {}).get(tag["vocabulary_id"], tag["vocabulary_id"])
            vocab_tags.setdefault("vocab_" + name, []).append(tag["name"])
        else:
            tags.append(tag["name"])
    doc["tags"] = tags
    doc.update(vocab_tags)
    doc["groups"] = [g["name"] for g in pkg_dict.get("groups") or []]
    organization = pkg_dict.get("organization") or {}
    doc["organization"] = organization.get("name") if organization else None
    doc["capacity"] = "private" if pkg_dict.get("private") else "public"
    doc["dataset_type"] = pkg_dict.get("type")
    for resource in pkg_dict.get("resources") or []:
        for source_key, doc_key in RESOURCE_FIELDS:
            doc.setdefault(doc_key, []).append(resource.get(source_key) or "")
    focus = vocab_tags.get("vocab_" + FOCUS_VOCABULARY)
    if focus:
        doc["focus_area"] = focus
    if pkg_dict.get("title"):
        doc["title_string"] = pkg_dict["title"]
    for key in ("metadata_created", "metadata_modified"):
        if doc.get(key) and not str(doc[key]).endswith("Z"):
            doc[key] = f"{doc[key]}Z"  # as Solr returns them
    doc["entity_type"] = "package"
    doc["site_id"] = config.get("ckan.site_id")
    return doc


def choice_fields(dataset_type: Optional[str]) -> frozenset[str]:
    """Scheming fields of the dataset type whose values come from a list of
    choices (select, multiple select, radio, ...). They are filters and
    facets, not text: a Thai word such as ข้อมูล would otherwise match every
    dataset through values like ข้อมูลสาธารณะ."""
    if not p.plugin_loaded("scheming_datasets"):
        return frozenset()
    from ckanext.scheming.helpers import scheming_get_dataset_schema

    schema = scheming_get_dataset_schema(dataset_type or "dataset") or {}
    return frozenset(
        field["field_name"] for field in schema.get("dataset_fields", [])
        if "choices" in field or "choices_helper" in field
    )


def without_choice_extras(doc: dict[str, Any]) -> dict[str, Any]:
    """The search document without the ``extras_<field>`` copy of each choice
    field (``before_dataset_index``, for Solr's index and this one alike).
    CKAN's Solr schema copies every ``extras_*`` field into the catch-all
    ``text`` field; a choice value is a filter and a facet, not text (see
    :func:`choice_fields`), and stays in the document under its own name
    (``data_category``, ...), which is what filters and facets read. With Thai
    words found inside longer words (the Thai Solr schema), ``q=เดือน`` would
    otherwise match every dataset updated monthly."""
    for field in choice_fields(doc.get("dataset_type") or doc.get("type")):
        doc.pop("extras_" + field, None)
    return doc


# What CKAN's Solr schema copies into its catch-all ``text`` field (the
# copyField rules of ckan/config/solr/schema.xml): these fields of the
# document, and every field named extras_*, res_extras_* or vocab_*. The
# organization and the groups are there by name only, as the document has
# them; their titles are not.
SOLR_TEXT_FIELDS = ("urls", "name", "title", "text", "license", "notes", "tags", "groups",
                    "organization", "res_name", "res_description", "maintainer", "author")
SOLR_TEXT_PREFIXES = ("extras_", "res_extras_", "vocab_")


def _search_texts(doc: dict[str, Any], pkg_dict: dict[str, Any],
                  not_text: frozenset[str] = frozenset()) -> tuple[str, str, str]:
    """The title, the tags and the text (Solr's ``text`` field: see
    ``SOLR_TEXT_FIELDS``), normalised. ``not_text``: the choice fields,
    whose ``extras_`` copies are left out (``without_choice_extras`` does it
    for the document Solr gets)."""
    title = normalize_for_search(pkg_dict.get("title") or "")
    tag_text = " ".join(normalize_for_search(t) for t in doc.get("tags", []))
    skipped = {"extras_" + field for field in not_text}
    pieces: list[str] = []
    for key, value in doc.items():
        if key in skipped:
            continue
        if key in SOLR_TEXT_FIELDS or key.startswith(SOLR_TEXT_PREFIXES):
            pieces.extend(_strings(value))
    return title, tag_text, normalize_for_search(" ".join(pieces))


# Solr's text fields of their own (besides title and text), each searched
# alone (``notes:x``): field -> the document's fields it holds (``urls``:
# CKAN's schema copies url, ckan_url, download_url and res_url into it)
FIELD_TEXTS = {
    "notes": ("notes",),
    "res_name": ("res_name",),
    "res_description": ("res_description",),
    "urls": ("urls", "url", "ckan_url", "download_url", "res_url"),
}


def _field_texts(doc: dict[str, Any]) -> dict[str, str]:
    """Each of ``FIELD_TEXTS`` that has text: its values, normalised."""
    out = {}
    for field, sources in FIELD_TEXTS.items():
        text = normalize_for_search(" ".join(
            value for source in sources for value in _strings(doc.get(source))))
        if text:
            out[field] = text
    return out


def _timestamp(value: Any) -> dt.datetime | None:
    if not value:
        return None
    try:
        return dt.datetime.fromisoformat(str(value).replace("Z", ""))
    except ValueError:
        return None


def build_row(pkg_dict: dict[str, Any], validated: dict[str, Any], labels: list[str],
              vocabularies: Optional[dict[str, str]] = None) -> dict[str, Any]:
    """The search table row of a dataset: ``pkg_dict`` is ``package_show``
    without validation, ``validated`` with the dataset type's schema (as
    CKAN hands both to the index), ``labels`` its permission labels."""
    doc = build_document(pkg_dict, validated, vocabularies)
    # as CKAN's Solr index: the stored dicts go through the plugins with the
    # document, which may change them (ckanext-harvest adds its extras there)
    dicts = {"data_dict": json.dumps(pkg_dict, default=str),
             "validated_data_dict": json.dumps(validated, cls=MissingNullEncoder, default=str)}
    doc.update(dicts)
    for plugin in p.PluginImplementations(p.IPackageController):
        doc = plugin.before_dataset_index(doc)
    stored = {key: doc.pop(key, value) for key, value in dicts.items()}
    title, tag_text, search_text = _search_texts(doc, pkg_dict,
                                                 choice_fields(pkg_dict.get("type")))
    fields = {key: _strings(value) for key, value in doc.items()}
    fields = {key: value for key, value in fields.items() if value}
    return {
        "id": pkg_dict["id"],
        "name": pkg_dict.get("name") or pkg_dict["id"],
        "title_sort": (pkg_dict.get("title") or pkg_dict.get("name") or "").strip().casefold(),
        "owner_org": pkg_dict.get("owner_org"),
        "dataset_type": pkg_dict.get("type"),
        "state": pkg_dict.get("state"),
        "private": bool(pkg_dict.get("private")),
        "metadata_created": _timestamp(pkg_dict.get("metadata_created")),
        "metadata_modified": _timestamp(pkg_dict.get("metadata_modified")),
        "metadata_modified_text": pkg_dict.get("metadata_modified"),
        "permission_labels": list(labels),
        "fields": fields,
        "doc": json.loads(json.dumps(doc, cls=MissingNullEncoder, default=str)),
        "title_text": title,
        "tag_text": tag_text,
        "search_text": search_text,
        "field_text": _field_texts(doc),
        "data_dict": stored["data_dict"],
        "validated_data_dict": stored["validated_data_dict"],
        "facets": facet_values(fields),
    }


def validated_dict(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    """The dataset as its type's schema shows it (what ``package_show``
    serves from the index). CKAN 2.12 hands it to the index as
    ``with_custom_schema`` (popped here); CKAN 2.11 does not, and its Solr
    index validates the dict itself, as done here then."""
    if "with_custom_schema" in pkg_dict:
        return pkg_dict.pop("with_custom_schema")
    package_plugin = lib_plugins.lookup_package_plugin(pkg_dict.get("type"))
    validated, _errors = lib_plugins.plugin_validate(
        package_plugin, {"model": model, "session": model.Session},
        dict(pkg_dict), package_plugin.show_package_schema(), "package_show")
    return validated


class PgPackageSearchIndex(PackageSearchIndex):
    """Package index writing to the ``opdc_kpi_search`` table."""

    def index_package(self, pkg_dict: dict[str, Any] | None, defer_commit: bool = False) -> None:
        if not (COMMIT_EACH.get() and not defer_commit):
            return self._write(pkg_dict, defer_commit)
        try:
            self._write(pkg_dict, defer_commit)
        except Exception:
            # rebuild --commit-each --force goes on to the next dataset: its
            # write is not refused for this one's failed transaction
            model.Session.rollback()
            raise
        model.Session.commit()

    def _write(self, pkg_dict: dict[str, Any] | None, defer_commit: bool) -> None:
        if pkg_dict is None:
            return
        pkg_dict = dict(pkg_dict)
        validated = validated_dict(pkg_dict)
        if defer_commit:
            _mark_bulk_transaction()
        if config.get("ckan.search.remove_deleted_packages") and pkg_dict.get("state") in (
            None, "deleted"
        ):
            self.delete_package(pkg_dict)
            return

        dataset = model.Package.get(pkg_dict["id"])
        labels = lib_plugins.get_permission_labels().get_dataset_labels(dataset) if dataset else []
        needs_vocabularies = any(t.get("vocabulary_id") for t in
                                 pkg_dict.get("tags") or validated.get("tags") or [])
        row = build_row(pkg_dict, validated, labels,
                        _vocabulary_names() if needs_vocabularies else {})
        statement = insert(search_table).values(**row)
        statement = statement.on_conflict_do_update(
            index_elements=[search_table.c.id],
            set_={key: statement.excluded[key] for key in row if key != "id"},
        )
        model.Session.execute(statement)
        log.debug("Indexed dataset %s in PostgreSQL", row["name"])

    def commit(self) -> None:
        """Commits the session. Rows are written in the dataset's own
        transaction; CKAN's commands call this after writing through the
        index outside any action (``search-index rebuild`` after it has
        cleared the orphans: their deletes were otherwise never
        committed)."""
        model.Session.commit()

    def delete_package(self, pkg_dict: dict[str, Any]) -> None:
        reference = pkg_dict.get("id")
        model.Session.execute(
            sa.delete(search_table).where(
                sa.or_(search_table.c.id == reference, search_table.c.name == reference)
            )
        )

    def clear(self) -> None:
        # TRUNCATE: its statement triggers empty the bitmaps and values (a
        # DELETE ran the row triggers for every dataset, in one transaction)
        model.Session.execute(sa.text(f"TRUNCATE {search_table.name}"))
        model.Session.commit()


# --- bulk writes ------------------------------------------------------------------------

BULK_SETTING = "opdc_kpi.search_bulk"


def _mark_bulk_transaction() -> None:
    """A deferred write (``ckan search-index rebuild``: every dataset in one
    transaction). The setting, local to the transaction, makes the bitmaps'
    trigger only note the document; a deferred trigger works out the noted
    documents' bitmaps at the commit, each bitmap row written once
    (migration a1c3e5f70111). Row by row, the rows every dataset of a block
    shares were rewritten once per dataset: 3.6 ms a row at 50,000 datasets
    instead of 1.1, a table bloated to 524 MB, and other writers waiting on
    the rebuild's row locks until its end."""
    model.Session.execute(sa.text("SELECT set_config(:name, 'on', true)"),
                          {"name": BULK_SETTING})
