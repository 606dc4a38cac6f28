"""CKAN's listings of free tags and resource formats, limited to the
datasets the caller may find.

CKAN's ``tag_list``, ``tag_search``, ``tag_autocomplete`` and
``format_autocomplete`` read every active tag or resource row, private
datasets' and drafts' included: anyone, anonymous too, could list the tags
and formats of another organization's private datasets (``tag_list``, or a
guessed start in an autocomplete). Chained here: a free tag or a format is
given only when an active dataset the caller may find in ``package_search``
carries it (CKAN's permission labels; sysadmins find every one), and
``tag_show`` of a free tag no such dataset carries is NotFound. Vocabulary
tags (the focus areas: a fixed public list) are answered as CKAN does.
"""
from __future__ import annotations

from typing import Any, Callable, Iterable, Optional

import sqlalchemy as sa

import ckan.authz as authz
import ckan.lib.plugins as lib_plugins
import ckan.model as model
import ckan.plugins.toolkit as tk

Action = Callable[[dict, dict], Any]


def _findable(context: dict) -> Optional[Any]:
    """A condition on ``package`` rows: the active datasets the caller may
    find (None: every one, for sysadmins and ``ignore_auth``)."""
    if context.get("ignore_auth"):
        return None
    user = model.User.get(context.get("user") or "") if context.get("user") else None
    if user is not None and user.sysadmin:
        return None
    plugin = lib_plugins.get_permission_labels()
    labels = set(plugin.get_user_dataset_labels(user))
    pkg = model.Package
    active = pkg.state == "active"
    if getattr(type(plugin), "get_dataset_labels", None) is not \
            lib_plugins.DefaultPermissionLabels.get_dataset_labels:
        # a site's own labels: asked dataset by dataset
        ids = [pid for (pid,) in model.Session.query(pkg.id).filter(active)
               if labels & set(plugin.get_dataset_labels(pkg.get(pid)))]
        return sa.and_(active, pkg.id.in_(ids))
    by_kind: dict[str, list[str]] = {"member": [], "creator": [], "collaborator": []}
    for label in labels:
        kind, _, value = label.partition("-")
        if kind in by_kind and value:
            by_kind[kind].append(value)
    readable = [pkg.private.is_(False)]
    if by_kind["member"]:
        readable.append(pkg.owner_org.in_(by_kind["member"]))
    if by_kind["creator"]:
        readable.append(sa.and_(pkg.owner_org.is_(None),
                                pkg.creator_user_id.in_(by_kind["creator"])))
    if by_kind["collaborator"] and authz.check_config_permission("allow_dataset_collaborators"):
        readable.append(pkg.id.in_(by_kind["collaborator"]))
    return sa.and_(active, sa.or_(*readable))


def visible_free_tags(context: dict, names: Iterable[str]) -> set[str]:
    """Which of the free tags ``names`` an active dataset the caller may
    find carries."""
    wanted = {n for n in names if isinstance(n, str)}
    if not wanted:
        return set()
    query = (model.Session.query(model.Tag.name).distinct()
             .join(model.PackageTag, sa.and_(model.PackageTag.tag_id == model.Tag.id,
                                             model.PackageTag.state == "active"))
             .join(model.Package, model.Package.id == model.PackageTag.package_id)
             .filter(model.Tag.vocabulary_id.is_(None), model.Tag.name.in_(wanted),
                     model.Package.state == "active"))
    condition = _findable(context)
    if condition is not None:
        query = query.filter(condition)
    return {name for (name,) in query}


def _name(tag: Any) -> Any:
    return tag.get("name") if isinstance(tag, dict) else tag


def _page(items: list[Any], data_dict: dict) -> list[Any]:
    """``offset`` and ``limit`` of the caller, applied after the filter."""
    try:
        offset = int(data_dict.get("offset") or 0)
        limit = data_dict.get("limit")
        limit = int(limit) if limit not in (None, "") else None
    except (TypeError, ValueError):
        raise tk.ValidationError({"limit": [tk._("Invalid integer")]})
    offset = max(offset, 0)
    return items[offset:offset + limit] if limit is not None else items[offset:]


def _free(data_dict: dict) -> bool:
    return not data_dict.get("vocabulary_id")


def _unpaged(data_dict: dict) -> dict:
    return {k: v for k, v in data_dict.items() if k not in ("offset", "limit")}


@tk.chained_action
@tk.side_effect_free
def tag_list(up: Action, context: dict, data_dict: dict) -> list[Any]:
    tags = up(context, data_dict)
    if not _free(data_dict or {}):
        return tags
    visible = visible_free_tags(context, [_name(t) for t in tags])
    return [t for t in tags if _name(t) in visible]


@tk.chained_action
@tk.side_effect_free
def tag_search(up: Action, context: dict, data_dict: dict) -> dict[str, Any]:
    data_dict = data_dict or {}
    if not _free(data_dict):
        return up(context, data_dict)
    found = up(context, _unpaged(data_dict))
    visible = visible_free_tags(context, [t["name"] for t in found["results"]])
    results = [t for t in found["results"] if t["name"] in visible]
    return {"count": len(results), "results": _page(results, data_dict)}


@tk.chained_action
@tk.side_effect_free
def tag_autocomplete(up: Action, context: dict, data_dict: dict) -> list[str]:
    data_dict = data_dict or {}
    if not _free(data_dict):
        return up(context, data_dict)
    names = up(context, _unpaged(data_dict))
    visible = visible_free_tags(context, names)
    return _page([n for n in names if n in visible], data_dict)


@tk.chained_action
@tk.side_effect_free
def tag_show(up: Action, context: dict, data_dict: dict) -> dict[str, Any]:
    tag = up(context, data_dict)
    if not tag.get("vocabulary_id") and tag.get("name") not in visible_free_tags(
            context, [tag.get("name")]):
        raise tk.ObjectNotFound(tk._("Tag not found"))
    return tag


@tk.chained_action
@tk.side_effect_free
def format_autocomplete(up: Action, context: dict, data_dict: dict) -> list[str]:
    """The formats (lower case) containing ``q`` of the active resources of
    the datasets the caller may find, most used first (CKAN's rule)."""
    tk.check_access("format_autocomplete", context, data_dict)
    data_dict = data_dict or {}
    q = data_dict.get("q")
    if not isinstance(q, str):
        raise tk.ValidationError({"q": [tk._("Missing value")]})
    try:
        limit = int(data_dict.get("limit", 5))
    except (TypeError, ValueError):
        raise tk.ValidationError({"limit": [tk._("Invalid integer")]})
    resource = model.Resource
    like = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    total = sa.func.count(resource.format).label("total")
    query = (model.Session.query(resource.format, total)
             .join(model.Package, model.Package.id == resource.package_id)
             .filter(resource.state == "active", model.Package.state == "active",
                     resource.format.ilike(like, escape="\\")))
    condition = _findable(context)
    if condition is not None:
        query = query.filter(condition)
    query = (query.group_by(resource.format).order_by(total.desc(), resource.format)
             .limit(max(limit, 0)))
    return [fmt.lower() for fmt, _count in query]


def get_actions() -> dict[str, Any]:
    return {"tag_list": tag_list, "tag_search": tag_search,
            "tag_autocomplete": tag_autocomplete, "tag_show": tag_show,
            "format_autocomplete": format_autocomplete}
