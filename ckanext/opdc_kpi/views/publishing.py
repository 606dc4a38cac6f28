"""Stage 2 of a new dataset (its first resource, then "Finish"): what the
steward is told when the dataset is published, and, on CKAN 2.11, the page
instead of an error when publishing is refused.

CKAN 2.12 shows the resource page again when publishing is refused; CKAN 2.11
lets the ValidationError escape (a server error), after the resource has been
saved. On 2.11 an error handler for that one case renders the page as 2.12
does, so ``package/new_resource.html`` can say what was saved and what to fix.
CKAN 2.11 also takes an empty file box for resource data, so "Finish" on an
empty resource form adds an empty resource; as 2.12 does, an upload with no
file is not data there.
"""
from __future__ import annotations

from typing import Any

from flask import has_request_context

import ckan.plugins.toolkit as tk

_NEW_RESOURCE = "_resource.new"


def _is_stage_two_finish() -> bool:
    request = tk.request
    return (request.method == "POST" and (request.endpoint or "").endswith(_NEW_RESOURCE)
            and request.form.get("save") == "go-metadata")


def flash_when_published(context: dict[str, Any], pkg_dict: dict[str, Any]) -> None:
    """A clear message once "Finish" has published the dataset."""
    if not has_request_context() or not _is_stage_two_finish():
        return
    if pkg_dict.get("state") != "active":
        return
    if tk.asbool(pkg_dict.get("private")):
        tk.h.flash_success(tk._("The dataset is published as private: only the members of "
                                "its organization can see it."))
    else:
        tk.h.flash_success(tk._("The dataset is published: anyone can find it in the "
                                "catalog and open this page."))


def _refused(error: Exception) -> Any:
    if not has_request_context() or not _is_stage_two_finish():
        raise error
    from ckan.views.resource import CreateView

    endpoint = tk.request.endpoint or ""
    package_type = endpoint[:-len(_NEW_RESOURCE)] or "dataset"
    dataset_id = (tk.request.view_args or {}).get("id")
    return CreateView().get(package_type, dataset_id, {}, error.error_dict,
                            error.error_summary)


def _no_empty_upload() -> None:
    request = tk.request
    if request.method != "POST" or not (request.endpoint or "").endswith(_NEW_RESOURCE):
        return
    files = request.files
    if files and not any(f.filename for f in files.values()):
        from werkzeug.datastructures import ImmutableMultiDict

        request.files = ImmutableMultiDict()


def install_error_page(app: Any) -> Any:
    """IMiddleware: on CKAN before 2.12, publishing refused at stage 2 renders
    the resource page with the errors, and an empty file box is no resource
    data (2.12 does both itself)."""
    if not tk.check_ckan_version(min_version="2.12.0") and hasattr(app, "register_error_handler"):
        app.register_error_handler(tk.ValidationError, _refused)
        app.before_request(_no_empty_upload)
    return app
