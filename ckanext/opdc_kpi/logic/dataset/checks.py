"""The dataset-level check: the DGA standard's rules on the whole dataset.

Runs after the field validators (scheming ``after_validators``), sees the
dataset being saved as ``package_show`` will show it and asks the pure core
(``scoring.standard.dataset_problems``) for every problem; the KPI and the
harvest check use the same function, so the form, the API and the score
agree. It reports each problem on its field, except:

- on a draft, what is only "not given" (a draft may be incomplete; the
  requirements apply when it becomes active), except when the dataset form's
  stage 1 moves on to stage 2 (``stage.moving_on``: the 14 items are checked
  there, where they can be fixed; "save as draft" stays lenient);
- on a field that already has an error from its own validator;
- an untouched legacy problem: the dataset was active, the same problem was
  there before, and none of the fields it involves was changed by this edit.
  Errors name what the edit must fix, not every old gap of the dataset.

It also makes the submitted ``focus_area`` the dataset's one tag of the
``opdc_focus_areas`` vocabulary (made by a migration; looked up, never written).
"""
from __future__ import annotations

import json
from typing import Any

import ckan.plugins.toolkit as tk
from ckan.lib.navl.dictization_functions import unflatten

from ckanext.opdc_kpi.logic.dataset import legacy, output, stage, vocabulary
from ckanext.opdc_kpi.logic.site import msg, today
from ckanext.opdc_kpi.scoring import standard
from ckanext.scheming.validation import scheming_validator

_OUTPUTS = {
    "opdc_kpi_multiple_choice_output": output.opdc_kpi_multiple_choice_output,
    "opdc_kpi_kpi_years_output": output.opdc_kpi_kpi_years_output,
}

#: where a problem that names no field is reported (a bug in a check)
GENERAL_ERROR_KEY = "opdc_kpi"


@scheming_validator
def opdc_kpi_dataset_checks(field: Any, schema: dict):
    outputs = {
        f["field_name"]: _OUTPUTS[name]
        for f in schema.get("dataset_fields", [])
        for name in (f.get("output_validators") or "").split() if name in _OUTPUTS}

    def validator(key, data, errors, context):
        _focus_area_to_tag(data, errors)
        pkg = package_dict(data, outputs)
        problems = standard.dataset_problems(pkg, today=today())
        if not problems:
            return
        draft = legacy.is_draft(data) and not stage.moving_on(context)
        stored = legacy.stored_active_package(data, context)
        before = set()
        if stored is not None:
            before = {_identity(p) for p in standard.dataset_problems(stored, today=today())}
        for problem in problems:
            if draft and standard.is_not_given(problem):
                continue
            error_key = _error_key(problem, data)
            if _has_error(errors, error_key, problem):
                continue
            if stored is not None and _untouched(problem, pkg, stored, data, context, before):
                continue
            errors.setdefault(error_key, []).append(msg(problem.code, **problem.params))

    return validator


def package_dict(data: dict, outputs: dict[str, Any]) -> dict[str, Any]:
    """The flattened, validated data as ``package_show`` will show it
    (``outputs``: field name -> its output validator)."""
    flat = {k: v for k, v in data.items()
            if v is not tk.missing and not str(k[0]).startswith("__") and k[0] != "extras"}
    try:
        pkg = unflatten(flat)
    except Exception:  # noqa: BLE001 - odd keys from a hostile client: check the scalars only
        pkg = {k[0]: v for k, v in flat.items() if len(k) == 1}
    for name, show in outputs.items():
        if name in pkg:
            pkg[name] = show(pkg[name])
    # the keywords are the tags now (tag_string was added to them)
    pkg.pop("tag_string", None)
    return pkg


def _error_key(problem: Any, data: dict) -> tuple:
    """Where CKAN's error dict shows a problem: a dataset field, or the field
    of one resource (``resources`` problems carry its 1-based position)."""
    params = problem.params or {}
    if problem.field == "resources" and isinstance(params.get("resource"), int):
        return ("resources", params["resource"] - 1, str(params.get("field")))
    return (problem.field or GENERAL_ERROR_KEY,)


def _has_error(errors: dict, error_key: tuple, problem: Any) -> bool:
    if errors.get(error_key):
        return True
    if problem.field == "tag_string":    # the keyword of a `tags` list has its own
        return any(k[0] == "tags" and v for k, v in errors.items())
    return False


def _involved(problem: Any) -> set[str]:
    params = problem.params or {}
    fields = {problem.field, params.get("field"), params.get("choice_field")}
    if problem.code == "open_license_not_public":
        fields.add("data_category")
    if problem.code == "classification_not_open":
        fields.add("data_category")
    return {f for f in fields if isinstance(f, str) and f}


def _identity(problem: Any) -> tuple:
    """The same problem before and after an edit: field, code and parameters
    (a resource problem without its position, which an edit may shift)."""
    params = {k: v for k, v in (problem.params or {}).items() if k != "resource"}
    return (problem.field, problem.code,
            json.dumps(params, sort_keys=True, default=str, ensure_ascii=False))


def _untouched(problem, pkg, stored, data, context, before) -> bool:
    """An old problem of an active dataset that this edit did not touch."""
    if problem.field == "resources":
        index = (problem.params or {}).get("resource")
        if not isinstance(index, int):
            return False
        return all(
            legacy.untouched_legacy(("resources", index - 1, name), data, context,
                                    data.get(("resources", index - 1, name)))
            for name in _involved(problem) - {"resources"})
    if _identity(problem) not in before:
        return False
    return all(legacy.canonical(_shown_value(pkg, name))
               == legacy.canonical(_shown_value(stored, name))
               for name in _involved(problem))


def _shown_value(pkg: dict, name: str) -> Any:
    if name == "tag_string":
        return sorted(str(t) for t in standard.free_keywords(dict(pkg, tag_string=None)))
    return pkg.get(name)


# --- the focus area as a vocabulary tag -------------------------------------------

def _focus_area_to_tag(data: dict, errors: dict) -> None:
    """Make the submitted focus area the dataset's one vocabulary tag.

    When ``focus_area`` was not submitted, the submitted vocabulary tags are
    kept as they are (an API client sending ``tags`` only).
    """
    focus = data.get(("focus_area",))
    if focus is tk.missing or focus is None:
        return
    tags = _tag_dicts(data)
    vocab_id = vocabulary.focus_vocabulary_id()
    ours = {vocabulary.FOCUS_VOCABULARY} | ({vocab_id} if vocab_id else set())
    kept = [t for t in tags if t.get("vocabulary_id") not in ours]
    if isinstance(focus, str) and focus in standard.FOCUS_AREA_CODES:
        if vocab_id is None:  # the migration has not run: say so, write nothing
            errors.setdefault(("focus_area",), []).append(
                msg("focus_vocabulary_missing", field="focus_area"))
            return
        kept.append({"name": focus, "vocabulary_id": vocab_id})
    elif isinstance(focus, str) and focus:
        # an untouched legacy value that is no code: keep the stored tags
        kept.extend(t for t in tags if t.get("vocabulary_id") in ours)
    _replace_tags(data, kept)


def _tag_dicts(data: dict) -> list[dict]:
    rows: dict[int, dict] = {}
    for k, v in data.items():
        if (len(k) == 3 and k[0] == "tags" and isinstance(k[1], int)
                and v is not tk.missing):
            rows.setdefault(k[1], {})[k[2]] = v
    return [rows[i] for i in sorted(rows)]


def _replace_tags(data: dict, tags: list[dict]) -> None:
    for k in [k for k in data if len(k) == 3 and k[0] == "tags"]:
        del data[k]
    for i, tag in enumerate(tags):
        for name, value in tag.items():
            data[("tags", i, name)] = value
