"""The requests of the canary test.

Routes: every GET rule of the Flask app's ``url_map`` at run time. Its path
arguments are filled with A's objects (the kind of object from the path: a
dataset under ``/dataset/``, organization A under ``/organization/``, ...);
a rule with an argument this module cannot fill is not requested, and a GET
rule neither requested nor in ``SKIP`` fails the test.

Query parameters: what the route reads, recorded while it answers (the
request's ``args`` replaced by a ``MultiDict`` that notes every key looked
up): the keys it reads by name, plus, when it reads them all (CKAN's search
pages turn every parameter into a filter), ``STANDARD``. The first request
of a route (A's admin, the positive control) carries ``STANDARD``; what it
recorded is what the others send.

Actions: every action marked side-effect-free (CKAN's and the plugins'),
through ``GET /api/3/action/<name>``, with the parameters of its docstring
(``:param x:``): ids and names of A's objects in those that name an object,
``true`` in the flags that widen an answer (``include_private``, ...).

``ci``: one request per route and role, every parameter naming an object
set to A's private dataset ``P1`` at once (a page that fails on them: each
alone), the path to A's objects (the extension's organization pages: B's
too), plus the exports (``format=csv|xlsx``) and a guess of the canaries'
start in text searches; per action, that call and the bare one. ``full``:
each parameter separately, set to each of A's objects, and the path to each
of them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterator, Optional

from werkzeug.datastructures import ImmutableMultiDict

from tests.canary.plant import Catalog

#: GET rules not requested, each with why (by endpoint; an endpoint a CKAN
#: version lacks is simply not there)
SKIP = {
    "static": "files of the site's public folder (CSS, images): no catalog data",
    "webassets.index": "compiled CSS and JavaScript: no catalog data",
    "home.redirect_locale": "a redirect of /zh_CN/... to the same path in another locale",
    "api.action": "the actions: each side-effect-free one is called on its own below",
    "file.public_download": "CKAN 2.12 file storage: the canary catalog stores no file "
                            "(the test site's storage is in memory; resources are links)",
    "file.trusted_download": "CKAN 2.12 file storage: a signed download token, none is issued",
}

#: query parameters every route that reads all its parameters gets
STANDARD = ("id", "pkg_name", "name", "q", "fq", "organization", "owner_org", "groups",
            "tags", "package_id", "resource_id", "dataset", "name_or_id", "query",
            "incomplete", "user", "user_id", "activity_id", "entity_id", "res_format")
#: the prefix of every canary: what a caller guessing A's values by their
#: start (an autocomplete, a text search) would try
GUESS = "zcanary"
#: values of a parameter besides A's objects: the exports, and a guess in
#: the text searches and autocompletes
VARIANTS = {"format": ("csv", "xlsx"), "q": (GUESS,), "incomplete": (GUESS,),
            "query": (GUESS,)}
#: action parameters searching by text (a guess in the bare call)
TEXT = ("q", "query", "terms")
#: action parameters that widen an answer: always "true"
FLAG = re.compile(r"^(include_\w+|all_fields|use_default_schema)$")
#: action parameters naming an object (or a search over them)
KEY = re.compile(r"^(id|id2|name|name_or_id|q|fq|query|terms|entity_id|package_id|"
                 r"resource_id|user|user_id|organization|owner_org|dataset|activity_id|"
                 r"vocabulary_id|object|email)$")
PARAM_DOC = re.compile(r":param (\w+):")


# --- what a route reads ---------------------------------------------------------------

@dataclass
class Reads:
    keys: set[str] = field(default_factory=set)
    everything: bool = False


class _Recording:
    current: Optional[Reads] = None


class RecordingArgs(ImmutableMultiDict):
    """``request.args`` noting every key read (and whether all were)."""

    def _note(self, key: Any) -> None:
        if _Recording.current is not None and isinstance(key, str):
            _Recording.current.keys.add(key)

    def _all(self) -> None:
        if _Recording.current is not None:
            _Recording.current.everything = True

    def __getitem__(self, key):
        self._note(key)
        return super().__getitem__(key)

    def get(self, key, default=None, type=None):
        self._note(key)
        return super().get(key, default, type)

    def getlist(self, key, type=None):
        self._note(key)
        return super().getlist(key, type)

    def __contains__(self, key):
        self._note(key)
        return super().__contains__(key)

    def keys(self):
        self._all()
        return super().keys()

    def values(self):
        self._all()
        return super().values()

    def items(self, multi=False):
        self._all()
        return super().items(multi)

    def lists(self):
        self._all()
        return super().lists()

    def __iter__(self):
        self._all()
        return super().__iter__()

    def to_dict(self, flat=True):
        self._all()
        return super().to_dict(flat)


def install_recorder(flask_app: Any) -> None:
    """Every request of this app records what it reads of its query string
    (into ``recording(reads)``'s object)."""
    from flask import request

    def record() -> None:
        request.args = RecordingArgs(request.args)

    flask_app.before_request(record)


class recording:
    def __init__(self, reads: Reads):
        self.reads = reads

    def __enter__(self) -> Reads:
        _Recording.current = self.reads
        return self.reads

    def __exit__(self, *exc: Any) -> None:
        _Recording.current = None


# --- values of A's objects --------------------------------------------------------------

def _datasets(cat: Catalog, full: bool) -> list[dict[str, str]]:
    """Path subjects of the dataset routes: the dataset, one of its resources
    and activities; in full, each of A's datasets by id and by name, and B's
    own dataset with A's resource and activity (the path mixing objects)."""
    d = cat.datasets

    def subject(key: str, by: str = "name", owner: Optional[str] = None) -> dict[str, str]:
        return {"id": d[owner or key][by], "resource_id": cat.resource(key),
                "activity_id": cat.activities[key][0]}
    if not full:
        return [subject("P1")]
    out = [subject("P1"), subject("P1", "id"), subject("P2"), subject("P2", "id"),
           subject("D"), subject("D", "id"), subject("M", "id"),
           subject("P1", owner="B_own"), subject("P2", "id", owner="B_own")]
    for key in ("P1", "M"):
        for activity in cat.activities[key][1:]:
            out.append(dict(subject(key, "id"), activity_id=activity))
    return out


def _ids_by_kind(cat: Catalog, kind: str, full: bool) -> list[str]:
    d = cat.datasets
    values = {
        "organization": [cat.org_a["name"], cat.org_a["id"], d["P1"]["id"]],
        "group": [cat.group["name"], cat.group["id"]],
        "user": [cat.users["control"]["name"], cat.users["control"]["id"]],
        "tag": list(cat.tags),
        "activity": [a for key in ("P1", "P2", "D", "M") for a in cat.activities[key]],
        "file": [d["P1"]["id"], "no-such-file"],
        "resource": [cat.resource(k) for k in ("P1", "P2", "D", "M")],
        "record": list(cat.records),
        "job": list(cat.jobs),
        "dataset": [d["P1"]["id"], d["P1"]["name"], d["P2"]["id"], d["P2"]["name"],
                    d["D"]["id"], d["D"]["name"], d["M"]["id"]],
    }[kind]
    return values if full else values[:1]


def _path_kind(rule: Any) -> Optional[str]:
    """The kind of object the rule's ``id`` names, from its path."""
    path = rule.rule
    if "/changes/" in path:
        return "activity"
    for prefix, kind in (("/dataset/", "dataset"), ("/dataset_series/", "dataset"),
                         ("/organization/", "organization"),
                         ("/group/", "group"), ("/user/", "user"),
                         ("/feeds/organization/", "organization"),
                         ("/feeds/group/", "group"), ("/feeds/tag/", "tag"),
                         ("/file/download/", "file")):
        if path.startswith(prefix):
            return kind
    return None


#: path arguments with a value of their own (not A's objects)
FIXED = {"ver": 3, "lang": "en", "filename": "data.csv", "view_id": "no-such-view"}
#: ckanext-dcat's formats (CI: the first; full: each)
FORMATS = ("ttl", "jsonld", "rdf", "xml", "n3")


class Unfillable(Exception):
    """A path argument this module cannot fill."""


def path_args(rule: Any) -> list[str]:
    return sorted(rule.arguments - set(rule.defaults or {}))


def site_values(flask_app: Any) -> dict[str, list[str]]:
    """Path arguments whose values the site holds: CKAN 2.11's
    ``/api/util/snippet/<snippet_path>`` renders a template of
    ``ajax_snippets/`` with the query string as its variables (each one of
    the enabled plugins' and CKAN's)."""
    snippets = flask_app.jinja_env.list_templates(
        filter_func=lambda name: name.startswith("ajax_snippets/"))
    return {"snippet_path": sorted(name[len("ajax_snippets/"):] for name in snippets)}


def path_variants(rule: Any, cat: Catalog, full: bool,
                  site: Optional[dict[str, list[str]]] = None) -> list[dict[str, Any]]:
    """The values of the rule's path arguments, one dict per request
    (``site``: those of ``site_values``)."""
    args = path_args(rule)
    if not args:
        return [{}]
    kind = _path_kind(rule)
    if ("id" in args or "_id" in args) and kind is None:
        raise Unfillable(f"{rule.rule}: which object is <id>?")
    if kind == "dataset":
        subjects = _datasets(cat, full)
    elif kind == "organization":
        # A's; and on the extension's pages (reports, histories, checks that
        # span organizations) B's own, where a dataset that moved from B to
        # A (M) was assessed
        values = _ids_by_kind(cat, kind, full)
        if full or rule.endpoint.startswith("opdc_kpi"):
            values = values + [cat.org_b["name"]]
        subjects = [{"id": value} for value in values]
    elif "id" in args:
        subjects = [{"id": value} for value in _ids_by_kind(cat, kind, full)]
    else:
        subjects = [{}]
    extra = {"record_id": _ids_by_kind(cat, "record", full),
             "job_id": _ids_by_kind(cat, "job", full),
             "resource_id": _ids_by_kind(cat, "resource", full),
             "activity_id": _ids_by_kind(cat, "activity", full),
             # ckanext-dcat's serializations (/dataset/<_id>.<_format>, /catalog.<_format>)
             "_format": list(FORMATS) if full else list(FORMATS[:1])}
    out = []
    for subject in subjects:
        if "_id" in args and "id" in subject:
            subject = dict(subject, _id=subject["id"])
        base = {name: value for name, value in subject.items() if name in args}
        missing = [name for name in args if name not in base]
        variants = [base]
        for name in missing:
            if name in FIXED:
                values = [FIXED[name]]
            elif site and site.get(name):
                values = site[name]
            elif name in extra:
                values = extra[name]
            else:
                raise Unfillable(f"{rule.rule}: no value for <{name}>")
            variants = [dict(v, **{name: value}) for v in variants for value in values]
        out.extend(variants)
    return out


def build(rule: Any, args: dict[str, Any]) -> str:
    return rule.build(args, append_unknown=False)[1]


# --- query parameters -------------------------------------------------------------------

def ci_value(param: str, cat: Catalog) -> str:
    """A parameter set to A's private dataset P1, as that parameter takes it."""
    p1 = cat.datasets["P1"]
    if param == "fq":
        return f'name:"{p1["name"]}"'
    if param in ("organization", "owner_org"):
        return cat.org_a["name"]
    if param in ("user", "user_id"):
        return cat.users["control"]["name"]
    if param == "activity_id":
        return cat.activities["P1"][0]
    if param == "resource_id":
        return cat.resource("P1")
    if param.endswith("id"):
        return p1["id"]
    return p1["name"]


def full_values(param: str, cat: Catalog) -> list[str]:
    """Each of A's objects as the parameter's value."""
    d, a = cat.datasets, cat.org_a
    values = _ids_by_kind(cat, "dataset", True) + _ids_by_kind(cat, "resource", True)
    if param in ("q", "query", "incomplete"):
        values += [GUESS, "*:*", f"id:{d['P1']['id']}", f"name:{d['P1']['name']}",
                   "capacity:private", "state:draft", f"owner_org:{a['id']}"]
    elif param == "fq":
        values = ([f'id:"{d[k]["id"]}"' for k in ("P1", "P2", "D", "M")] +
                  [f'name:"{d[k]["name"]}"' for k in ("P1", "P2", "D")] +
                  [f'owner_org:"{a["id"]}"', f"organization:{a['name']}", "capacity:private",
                   "+state:draft", "*:*"])
    elif param in ("organization", "owner_org"):
        values = [a["name"], a["id"]] + values
    elif param in ("user", "user_id"):
        values = _ids_by_kind(cat, "user", True)
    elif param == "activity_id":
        values = _ids_by_kind(cat, "activity", True)
    elif param == "tags":
        values = list(cat.tags)
    return values


def route_params(reads: Reads) -> list[str]:
    """The parameters a route reads: what it read by name, and ``STANDARD``
    when it reads them all."""
    keys = set(reads.keys) | (set(STANDARD) if reads.everything else set())
    return sorted(keys)


#: a query parameter naming an object (or a search over them); the others
#: (``page``, ``sort``, ``limit``, ``year``, ...) keep their defaults in CI:
#: set to a dataset's name they only make the page a 400
OBJECT_PARAM = re.compile(r"^(q|fq|query|incomplete|tags|groups|res_format|organization|"
                          r"owner_org|user|dataset|\w*id|\w*name|name_or_id)$")


def object_params(params: list[str]) -> list[str]:
    return [p for p in params if OBJECT_PARAM.match(p)]


def get_routes(url_map: Any) -> tuple[list[Any], dict[str, str]]:
    """The GET rules to request, one per view (an endpoint's rule with the
    fewest arguments: the others differ by the API version), and every
    other GET rule with why it is not requested: an alias (same endpoint,
    or the same path as an earlier rule, which Flask serves instead) or
    ``SKIP``."""
    rules = [r for r in url_map.iter_rules() if "GET" in r.methods]
    chosen: dict[str, Any] = {}
    paths: dict[str, str] = {}
    covered: dict[str, str] = {}
    for rule in rules:
        key = f"{rule.endpoint} {rule.rule}"
        if rule.endpoint in SKIP:
            covered[key] = SKIP[rule.endpoint]
        elif rule.rule in paths:
            covered[key] = f"the same path as {paths[rule.rule]}, which Flask serves"
        else:
            paths[rule.rule] = rule.endpoint
            best = chosen.get(rule.endpoint)
            if best is None or (len(path_args(rule)), rule.rule) < (len(path_args(best)),
                                                                    best.rule):
                if best is not None:
                    covered[f"{best.endpoint} {best.rule}"] = f"an alias of {rule.rule}"
                chosen[rule.endpoint] = rule
            else:
                covered[key] = f"an alias of {best.rule}"
    return sorted(chosen.values(), key=lambda r: r.rule), covered


# --- actions ------------------------------------------------------------------------------

def side_effect_free_actions() -> dict[str, Any]:
    import ckan.logic as logic
    import ckan.plugins.toolkit as tk

    tk.get_action("package_show")        # fills the registry
    return {name: fn for name, fn in sorted(logic._actions.items())
            if getattr(fn, "side_effect_free", False)}


def _action_kind(name: str) -> str:
    """The kind of object an action's ``id`` names."""
    for prefix, kind in (("organization_", "organization"), ("group_", "group"),
                         ("member_", "organization"), ("user_", "user"),
                         ("am_following_user", "user"), ("followee_", "user"),
                         ("dashboard_", "user"), ("package_collaborator_list_for_user", "user"),
                         ("tag_", "tag"), ("activity_", "activity"),
                         ("resource_view_show", "resource"), ("resource_", "resource"),
                         ("am_following_group", "group"), ("job_", "job"), ("file_", "file"),
                         ("opdc_kpi_dataset_", "dataset"), ("opdc_kpi_", "organization"),
                         ("vocabulary_", "vocabulary")):
        if name.startswith(prefix):
            return kind
    return "dataset"


def action_params(fn: Any) -> tuple[list[str], list[str]]:
    """(key parameters, flags) from the action's docstring."""
    documented = list(dict.fromkeys(PARAM_DOC.findall(fn.__doc__ or "")))
    keys = [p for p in documented if KEY.match(p)]
    flags = [p for p in documented if FLAG.match(p)]
    if not documented:
        keys = ["id"]
    return keys, flags


def action_value(name: str, param: str, cat: Catalog) -> Any:
    """A key parameter set to A's object of the action's kind (``id``) or to
    P1 (the others), in CI."""
    if param == "id":
        kind = _action_kind(name)
        if kind == "vocabulary":
            return "opdc_focus_areas"
        return _ids_by_kind(cat, kind, False)[0] if kind != "dataset" else \
            cat.datasets["P1"]["id"]
    if param == "id2":
        return cat.datasets["P2"]["id"]
    if param == "terms":
        return cat.datasets["P1"]["name"]
    return ci_value(param, cat)


def action_requests(name: str, fn: Any, cat: Catalog, full: bool
                    ) -> Iterator[dict[str, Any]]:
    """The query strings of one action's calls."""
    keys, flags = action_params(fn)
    widen = {flag: "true" for flag in flags}
    yield dict(widen, **{key: action_value(name, key, cat) for key in keys})
    if keys:
        # no object named: the whole list (tag_list, package_list, ...), or
        # what a guess of A's values by their start finds
        yield dict(widen, **{key: GUESS for key in keys if key in TEXT})
    if not full:
        return
    for key in keys:
        values = full_values(key, cat)
        if key == "id":
            values = [v for kind in ("organization", "group", "user", "tag", "activity",
                                     "resource", "record", "job")
                      for v in _ids_by_kind(cat, kind, True)] + values
        for value in values:
            yield dict(widen, **{key: value})
