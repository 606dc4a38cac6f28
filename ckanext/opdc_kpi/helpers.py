"""Template helpers (prefixed ``opdc_kpi_``).

``opdc_kpi_choices`` is the ckanext-scheming ``choices_helper`` of every
choice field in schemas/*.yaml: the stored values and their Thai/English
labels come from ``scoring.standard``, the one source of the lists.
"""
from __future__ import annotations

import datetime as dt
import json
from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.opdc_kpi.logic import dataset
from ckanext.opdc_kpi.logic.site import from_config, msg, request_language, today
from ckanext.opdc_kpi.scoring import (
    assessment, dataset_openness, labels, localtime, progress, standard)
from ckanext.opdc_kpi.scoring.criteria import is_public_category
from ckanext.opdc_kpi.logic import editing


def get_helpers() -> dict[str, Any]:
    return {
        "opdc_kpi_choices": opdc_kpi_choices,
        "opdc_kpi_form_field": opdc_kpi_form_field,
        "opdc_kpi_stored_value_label": opdc_kpi_stored_value_label,
        "opdc_kpi_undeclared_extras": opdc_kpi_undeclared_extras,
        "opdc_kpi_choice_label": opdc_kpi_choice_label,
        "opdc_kpi_field_label": opdc_kpi_field_label,
        "opdc_kpi_focus_area_label": opdc_kpi_focus_area_label,
        "opdc_kpi_free_tag_string": opdc_kpi_free_tag_string,
        "opdc_kpi_years_text": opdc_kpi_years_text,
        "opdc_kpi_dataset_problems": opdc_kpi_dataset_problems,
        "opdc_kpi_harvest_check": opdc_kpi_harvest_check,
        "opdc_kpi_harvest_check_last": opdc_kpi_harvest_check_last,
        "opdc_kpi_dataset_panel": opdc_kpi_dataset_panel,
        "opdc_kpi_be_date": opdc_kpi_be_date,
        "opdc_kpi_long_date": opdc_kpi_long_date,
        "opdc_kpi_time": opdc_kpi_time,
        "opdc_kpi_assessment_value": opdc_kpi_assessment_value,
        "opdc_kpi_level_label": opdc_kpi_level_label,
        "opdc_kpi_part_label": opdc_kpi_part_label,
        "opdc_kpi_points": opdc_kpi_points,
        "opdc_kpi_data_types": opdc_kpi_data_types,
        "opdc_kpi_data_type_labels": opdc_kpi_data_type_labels,
        "opdc_kpi_dataset_data_type": opdc_kpi_dataset_data_type,
        **dataset.facets.template_helpers(),
        "opdc_kpi_field_anchor": opdc_kpi_field_anchor,
        "opdc_kpi_publish_problems": opdc_kpi_publish_problems,
    }


_THAI_MONTHS = ("มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน", "กรกฎาคม",
                "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม")
_ENGLISH_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
                   "September", "October", "November", "December")


def _iso_date(value: Any):
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        return None


def opdc_kpi_be_date(value: Any) -> str:
    """A stored ISO (CE) date as YYYY-MM-DD in the Buddhist era, for forms;
    anything that is no ISO date is returned as it is (what the user typed)."""
    day = _iso_date(value)
    if day is None:
        return "" if value is None else str(value)
    return f"{day.year + 543:04d}-{day.month:02d}-{day.day:02d}"


def opdc_kpi_long_date(value: Any, lang: str | None = None) -> str:
    """A stored date in the page's language: "31 ธันวาคม 2566" (พ.ศ.) in Thai,
    "31 December 2023" in English."""
    day = _iso_date(value)
    if day is None:
        return "" if value is None else str(value)
    if (lang or request_language()) == "th":
        return f"{day.day} {_THAI_MONTHS[day.month - 1]} {day.year + 543}"
    return f"{day.day} {_ENGLISH_MONTHS[day.month - 1]} {day.year}"


def opdc_kpi_time(value: Any, lang: str | None = None) -> str:
    """A stored (UTC) time as the pages show it, in Bangkok time: "6 ธ.ค.
    2569 20:57 น." on Thai pages, "6 Dec 2026 20:57 (UTC+7)" on English
    ones (``scoring.localtime``); text that is no time is shown as it is."""
    return localtime.time_text(value, lang or request_language())


def opdc_kpi_level_label(level: Any) -> str:
    """A KPI level as the pages show it (ขั้นมาตรฐาน / Standard; no level:
    ไม่ผ่านขั้นต้น / Basic level not passed)."""
    return labels.level_label(level, request_language())


def opdc_kpi_part_label(part: Any, short: bool = False) -> str:
    """A part of the score as the pages show it (ขั้นมาตรฐาน: คำอธิบายข้อมูล;
    ``short``: คำอธิบายข้อมูล)."""
    return labels.part_label(part, request_language(), short=short)


def opdc_kpi_points(value: Any) -> str:
    """Points as the pages write them: 70, 72.50, 0.05."""
    return progress.points_text(value)


def opdc_kpi_assessment_value(criterion: str, value: Any) -> str:
    """An assessed or computed value in the page's language (ผ่าน, ระดับ 2)."""
    return assessment.value_text(criterion, value, request_language())


def _list_name(field: dict) -> str:
    return field.get("choices_list") or field["field_name"]


def opdc_kpi_choices(field: dict) -> list[dict[str, Any]]:
    """scheming choices: ``[{"value": stored value, "label": {"en", "th"}}]``
    of the field's list (``choices_list``, default the field's name)."""
    list_name = _list_name(field)
    # licences by the site's licence list's Thai title, as the dataset page
    # and the facet show them (the standard's list names them in English)
    thai = dataset.facets.licence_titles("th") if list_name == "license_id" else {}
    return [{"value": c.value, "label": {"en": c.en, "th": thai.get(c.value) or c.th}}
            for c in standard.CHOICES.get(list_name, ())]


def _given_values(value: Any) -> list[str]:
    """The values of a choice field in form data: a list, a JSON-list string
    (as stored), or one text."""
    if isinstance(value, str) and value.strip().startswith("["):
        try:
            value = json.loads(value)
        except ValueError:
            pass
    items = value if isinstance(value, (list, tuple)) else [value]
    return [item for item in items if isinstance(item, str) and item.strip()]


def _stored_values(owner: Any, name: str) -> list[str]:
    """The stored values of a field of the dataset or resource being edited
    (its ``package_show`` dict)."""
    if not isinstance(owner, dict):
        return []
    return _given_values(owner.get(name))


def _stored_mark(value: str) -> dict[str, str]:
    """A stored value outside its list, marked as such (form and page)."""
    return {"en": f"{value} (stored value, not in the list)",
            "th": f"{value} (ค่าเดิม ไม่อยู่ในรายการ)"}


def opdc_kpi_stored_value_label(value: str) -> str:
    """A stored value outside its choice list as the dataset page shows it."""
    return tk.h.scheming_language_text(_stored_mark(value))


def opdc_kpi_form_field(field: dict, data: Any) -> dict:
    """The field for its form snippet. A choice field whose stored value is
    outside its list (a legacy value, saved before this schema) and still in
    the form's ``data`` gets that value as one more choice, marked as such, so
    the form shows what is stored and a save that leaves it untouched keeps
    it, as an API update does. Values never stored get no choice. "Stored"
    is read from the dataset or resource CKAN's edit view is editing, for a
    user who may edit it (``logic.editing``), never from ``data``."""
    if field.get("choices_helper") != "opdc_kpi_choices" or not isinstance(data, dict):
        return field
    choices = opdc_kpi_choices(field)
    listed = {c["value"] for c in choices}
    name = field.get("field_name")
    legacy = [v for v in _given_values(data.get(name)) if v not in listed]
    if legacy:
        stored = set(_stored_values(editing.edited_object(), name))
        legacy = [v for v in legacy if v in stored]
    if not legacy:
        return field
    marked = [{"value": v, "label": _stored_mark(v)} for v in dict.fromkeys(legacy)]
    return dict(field, choices=choices + marked)


def opdc_kpi_undeclared_extras(data: Any = None) -> dict[str, str]:
    """The stored extras of the dataset being edited that its schema does
    not declare (saved by an older extension or another tool): the edit form
    sends them back unchanged, so a save through the form keeps them, as an
    API update does. Only on CKAN's edit views, for a user who may edit the
    dataset (``logic.editing``); ``data``, the form's values, is not read:
    CKAN fills the new dataset form from the query string."""
    found = editing.edited()
    if found is None or found["resource"] is not None:
        return {}
    pkg = found["dataset"]
    schema = tk.h.scheming_get_dataset_schema(pkg.get("type") or "dataset") or {}
    declared = {f["field_name"] for f in schema.get("dataset_fields", [])}
    return {e["key"]: e["value"] for e in pkg.get("extras") or []
            if isinstance(e, dict) and e.get("key") not in declared
            and isinstance(e.get("value"), str)}


def opdc_kpi_choice_label(list_name: str, value: Any, lang: str | None = None) -> str:
    """The label of a stored value in the request's language (the value itself
    when it is not in the list, e.g. a legacy value)."""
    if not isinstance(value, str):
        return "" if value is None else str(value)
    return standard.choice_label(list_name, value, lang or request_language())


def opdc_kpi_field_label(field_name: str, lang: str | None = None) -> str:
    """A field's label in the request's language (the name when unknown)."""
    return standard.field_label(field_name, lang or request_language())


def opdc_kpi_data_types(group: Any) -> list[str]:
    """The stored data types a form field group (``opdc_kpi_data_types`` in
    the schema: "statistics", "geospatial") is shown for."""
    return list(standard.DATA_TYPE_GROUPS.get(group, ())) if isinstance(group, str) else []


def opdc_kpi_data_type_labels(values: list[str]) -> str:
    """Data types by label in the page's language, comma-separated."""
    return ", ".join(opdc_kpi_choice_label("data_type", v) for v in values)


def opdc_kpi_dataset_data_type(id_or_name: Any) -> str:
    """The data type of a dataset the user may read (for its resource form),
    else ""."""
    if not isinstance(id_or_name, str) or not id_or_name:
        return ""
    user = tk.current_user.name if tk.current_user.is_authenticated else ""
    try:
        pkg = tk.get_action("package_show")({"user": user}, {"id": id_or_name})
    except (tk.NotAuthorized, tk.ObjectNotFound):
        return ""
    value = pkg.get("data_type")
    return value if isinstance(value, str) else ""


def opdc_kpi_focus_area_label(code: Any, lang: str | None = None) -> str:
    return opdc_kpi_choice_label("focus_area", code, lang)


def opdc_kpi_free_tag_string(data: dict) -> str:
    """The keywords of a dataset form: its free tags only.

    CKAN's edit view rebuilds ``tag_string`` from every tag, vocabulary tags
    included, which would turn the focus area into a keyword on save.
    """
    tags = data.get("tags")
    if isinstance(tags, list) and tags and all(isinstance(t, dict) for t in tags):
        return ", ".join(t.get("name", "") for t in tags
                         if t.get("name") and not t.get("vocabulary_id"))
    value = data.get("tag_string")
    return value if isinstance(value, str) else ""


def opdc_kpi_years_text(value: Any) -> str:
    """``kpi_years`` as the form takes it back: "2565, 2566"."""
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return "" if value is None else str(value)


def opdc_kpi_dataset_problems(pkg_dict: dict) -> list[dict[str, str]]:
    """What a dataset lacks or holds invalid (the 14 items and the other
    rules), for its page: ``[{"field", "label", "code", "message"}]``."""
    out = []
    for problem in standard.dataset_problems(pkg_dict, today=today()):
        out.append({"field": problem.field,
                    "label": opdc_kpi_field_label(problem.field),
                    "code": problem.code,
                    "message": msg(problem.code, **problem.params)})
    return out


def opdc_kpi_dataset_panel(pkg_dict: dict) -> dict[str, Any]:
    """The dataset page's KPI panel: its 14-item problems (labels and
    messages in the page's language) and, for public-category data, its
    open-data tier with the reason of each criterion."""
    problems = [{"field": p.field, "label": opdc_kpi_field_label(p.field),
                 "message": msg(p.code, **p.params)}
                for p in standard.mandatory_problems(pkg_dict)]
    openness = None
    if is_public_category(pkg_dict):
        openness = dataset_openness(pkg_dict, from_config(),
                                    request_language()).as_dict()
    return {"complete": not problems, "problems": problems, "openness": openness,
            "assessments": _dataset_assessments(pkg_dict)}


def _dataset_assessments(pkg_dict: dict) -> list[dict[str, Any]]:
    """The assessors' records that count for this dataset (every year), for
    whoever may see its organization's full KPI report; else none."""
    if not pkg_dict.get("owner_org") or not pkg_dict.get("id"):
        return []
    user = tk.current_user.name if tk.current_user.is_authenticated else ""
    try:
        records = tk.get_action("opdc_kpi_confirmation_list")(
            {"user": user}, {"id": pkg_dict["owner_org"], "dataset": pkg_dict["id"],
                             "current_only": True})
    except (tk.NotAuthorized, tk.ObjectNotFound, tk.ValidationError):
        return []
    lang = request_language()
    return [dict(r, label=assessment.criterion_label(r["criterion"], lang),
                 value_text=assessment.value_text(r["criterion"], r["value"], lang))
            for r in records]


def opdc_kpi_harvest_check(org_id: str) -> dict[str, Any] | None:
    """The organization's harvest check for the current user (not recorded),
    or None when the user may not run it. Reads this catalog only."""
    user = tk.current_user.name if tk.current_user.is_authenticated else ""
    try:
        return tk.get_action("opdc_kpi_harvest_check")(
            {"user": user}, {"id": org_id, "record": False})
    except (tk.NotAuthorized, tk.ObjectNotFound):
        return None


def opdc_kpi_harvest_check_last(org_id: str) -> dict[str, Any] | None:
    """The organization's last recorded harvest check (a summary read from
    one row: no check runs), or None when the user may not run it."""
    user = tk.current_user.name if tk.current_user.is_authenticated else ""
    try:
        return tk.get_action("opdc_kpi_harvest_check_last")({"user": user}, {"id": org_id})
    except (tk.NotAuthorized, tk.ObjectNotFound):
        return None


# --- the staged dataset form ----------------------------------------------------------

_ANCHORS = {"name": "field-name", "owner_org": "field-organizations"}


def opdc_kpi_field_anchor(field_name: str) -> str:
    """The id of a dataset field's place in the dataset form (its wrapper)."""
    return _ANCHORS.get(field_name, f"opdc-kpi-field-{field_name}")


def _texts(messages: Any) -> list[str]:
    items = messages if isinstance(messages, list) else [messages]
    return [m if isinstance(m, str) else json.dumps(m, ensure_ascii=False) for m in items if m]


def opdc_kpi_publish_problems(errors: Any, pkg_dict: dict) -> list[dict[str, Any]]:
    """What stopped a draft's publication at stage 2 (the resource page), as
    ``[{"label", "messages", "href"}]``: each item by its label in the page's
    language, linked to its field in the dataset form (a resource's to the
    resource's form). ``errors`` is CKAN's error dict; nothing is read."""
    if not isinstance(errors, dict) or not isinstance(pkg_dict, dict):
        return []
    lang = request_language()
    dataset_type = pkg_dict.get("type") or "dataset"
    edit = tk.h.url_for(f"{dataset_type}.edit", id=pkg_dict.get("name") or pkg_dict.get("id"))
    resources = pkg_dict.get("resources") or []
    out = []    # (rank, entry): the 14 items in their order, other fields, resources
    for key, messages in errors.items():
        if key == "resources" and isinstance(messages, list):
            for index, problems in enumerate(messages):
                if not isinstance(problems, dict) or not problems:
                    continue
                resource = resources[index] if index < len(resources) else {}
                href = edit
                if resource.get("id"):
                    href = tk.h.url_for(f"{dataset_type}_resource.edit", id=pkg_dict.get("id"),
                                        resource_id=resource["id"])
                for name, texts in problems.items():
                    both = standard.RESOURCE_FIELD_LABELS.get(name)
                    label = (both[0] if lang == "th" else both[1]) if both else \
                        tk._("Resource")
                    out.append(((2, 0), {"label": "{} {}: {}".format(
                        tk._("Resource"), index + 1, label), "messages": _texts(texts),
                        "href": href}))
            continue
        known = isinstance(key, str) and key in standard.FIELD_LABELS
        item = labels.item_of(key)
        out.append(((0, int(item)) if item else (1, 0), {
            "label": standard.field_label(key, lang) if known else tk._("Dataset"),
            "messages": _texts(messages),
            "href": edit + ("#" + opdc_kpi_field_anchor(key) if known else "")}))
    return [entry for _, entry in sorted(out, key=lambda ranked: ranked[0])]
