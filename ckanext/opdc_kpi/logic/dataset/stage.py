"""Which save of CKAN's staged dataset form this is.

Stage 1 of a new dataset (the dataset form) saves a draft and moves on to
stage 2 (its first resource). A draft may be incomplete, but moving on is
the moment the 14 items can still be fixed where they are typed: so a
stage-1 save is checked as if the dataset were published, unless the
steward pressed "save as draft" (``save=opdc-kpi-draft``), which keeps the
lenient draft. API calls never come through here: only CKAN's dataset form
views put ``save`` in the action context.
"""
from __future__ import annotations

from typing import Any

from flask import has_request_context

import ckan.plugins.toolkit as tk

#: the value of the "save as draft" button (CKAN's form buttons are all name="save")
DRAFT_BUTTON = "opdc-kpi-draft"


def moving_on(context: dict[str, Any]) -> bool:
    """True for a stage-1 save of the dataset form that moves on to stage 2."""
    if not context.get("save") or not has_request_context():
        return False
    request = tk.request
    if request.method != "POST" or not request.form.get("_ckan_phase"):
        return False
    return request.form.get("save") != DRAFT_BUTTON
