"""The canary catalog: organization A with private and draft datasets whose
every stored value is a canary of its own, organization B with its member,
editor, admin and scoped assessor, and the values of A's objects that the
requests carry (ids and names: sent, so not canaries themselves).

A's objects:

- ``P1``: a private dataset in A's KPI basket, every free-text field given
  a canary through ``package_create`` (its resource's too), two canary tags,
  a member of a public group;
- ``P2``: a private dataset as an older site leaves it: besides the text
  canaries, every other field (choices, dates, the licence, core columns),
  an undeclared extra and its resource's fields written through the model;
- ``D``: a public draft (``private`` false, ``state`` draft), text canaries;
- ``M``: a dataset of B, assessed there, since moved to A and made private:
  its new name, title and notes are canaries (its name is never sent);
- assessors' records of A: overrides of P1 and of A, a confirmation of D
  (their notes canaries); A's harvest-check record (a dataset gone since, P1
  and D, named by canaries); A's import job.

Also on each dataset, through the model: author, author_email, version.
"""
from __future__ import annotations

import datetime as dt
import itertools
import uuid
from dataclasses import dataclass, field
from typing import Any, Optional

from tests.canary.scan import token
from tests.factories_dga import dga_dataset_dict

#: presets whose fields take any text (a canary through package_create)
TEXT_PRESETS = {"opdc_kpi_text", "opdc_kpi_markdown"}
EMAIL_PRESETS = {"opdc_kpi_email"}
URL_PRESETS = {"opdc_kpi_http_url"}
#: set by the catalog itself, or keys the requests send
NOT_CANARIES = {"name", "owner_org", "tag_string", "focus_area"}
#: P1 stays in A's 2565 basket (its report and exports carry its canaries)
BASKET_FIELDS = {"kpi_years", "data_category", "data_type", "license_id", "focus_area"}
YEAR = 2565


class Canaries:
    """Unique tokens, each with what holds it ("P2 extra (model) data_type")."""

    def __init__(self) -> None:
        self._numbers = itertools.count(1)
        self.where: dict[str, str] = {}

    def new(self, where: str) -> str:
        value = token(next(self._numbers))
        self.where[value] = where
        return value

    def kind(self, canary: str) -> str:
        """The kind of object the canary is in: "dataset field", "resource
        field", "tag", "note", "harvest record", ..."""
        return self.where[canary].split(": ", 1)[0].split(" ", 1)[1]


@dataclass
class Catalog:
    users: dict[str, Optional[dict[str, Any]]]
    org_a: dict[str, Any]
    org_b: dict[str, Any]
    group: dict[str, Any]
    datasets: dict[str, dict[str, Any]]          # P1, P2, D, M, B_own: package_show dicts
    activities: dict[str, list[str]]             # dataset key -> activity ids
    records: list[str]                           # A's assessment record ids
    jobs: list[str]                              # A's import job ids
    canaries: Canaries
    tags: list[str] = field(default_factory=list)

    def resource(self, key: str) -> str:
        return self.datasets[key]["resources"][0]["id"]


def _schema_fields() -> tuple[list[dict], list[dict]]:
    import ckan.plugins.toolkit as tk

    schema = tk.h.scheming_get_dataset_schema("dataset")
    return schema["dataset_fields"], schema["resource_fields"]


def _text_value(f: dict[str, Any], canaries: Canaries, where: str) -> Optional[str]:
    preset = f.get("preset")
    if preset in TEXT_PRESETS:
        return canaries.new(where)
    if preset in EMAIL_PRESETS:
        return canaries.new(where) + "@example.org"
    if preset in URL_PRESETS:
        return f"https://example.org/{canaries.new(where)}"
    return None


def _with_text_canaries(key: str, data: dict[str, Any], canaries: Canaries) -> dict[str, Any]:
    dataset_fields, resource_fields = _schema_fields()
    for f in dataset_fields:
        if f["field_name"] in NOT_CANARIES:
            continue
        value = _text_value(f, canaries, f"{key} dataset field: {f['field_name']}")
        if value is not None:
            data[f["field_name"]] = value
    tags = [canaries.new(f"{key} tag: {n}") for n in (1, 2)]
    data["tag_string"] = ", ".join(tags)
    resource = {"url": f"https://example.org/{canaries.new(f'{key} resource field: url')}.csv",
                "format": canaries.new(f"{key} resource field: format")}
    for f in resource_fields:
        if f["field_name"] in ("url", "format"):
            continue
        value = _text_value(f, canaries, f"{key} resource field: {f['field_name']}")
        if value is not None:
            resource[f["field_name"]] = value
    data["resources"] = [resource]
    return data


def _write_through_the_model(key: str, pkg_id: str, canaries: Canaries, every_field: bool,
                             keep: set[str]) -> None:
    """Core columns CKAN's schema drops (author, author_email, version) and
    an extra the schema does not declare, and with ``every_field`` each
    declared extra and resource field that holds no canary yet, the licence
    and an undeclared resource field: written as an older site would,
    behind validation's back."""
    from ckan import model

    pkg = model.Package.get(pkg_id)
    pkg.author = canaries.new(f"{key} dataset field (model): author")
    pkg.author_email = canaries.new(f"{key} dataset field (model): author_email") + \
        "@example.org"
    pkg.version = canaries.new(f"{key} dataset field (model): version")
    pkg.extras = dict(pkg.extras, **{
        canaries.new(f"{key} dataset extra (model): undeclared key"):
            canaries.new(f"{key} dataset extra (model): undeclared value")})
    if every_field:
        dataset_fields, resource_fields = _schema_fields()
        extras = dict(pkg.extras)
        for f in dataset_fields:
            name = f["field_name"]
            if name in keep or name in NOT_CANARIES or str(extras.get(name, "")).startswith(
                    "zcanary"):
                continue
            if name in ("title", "notes", "maintainer", "maintainer_email", "url"):
                continue                       # core columns, canaries already
            if name == "license_id":
                pkg.license_id = canaries.new(f"{key} dataset field (model): license_id")
                continue
            extras[name] = canaries.new(f"{key} dataset extra (model): {name}")
        pkg.extras = extras
        for resource in pkg.resources:
            res_extras = dict(resource.extras or {})
            for f in resource_fields:
                name = f["field_name"]
                if name in ("url", "format", "name", "description") or str(
                        res_extras.get(name, "")).startswith("zcanary"):
                    continue
                res_extras[name] = canaries.new(f"{key} resource extra (model): {name}")
            res_extras["legacy_resource_field"] = canaries.new(
                f"{key} resource extra (model): undeclared")
            resource.extras = res_extras
            resource.mimetype = canaries.new(f"{key} resource field (model): mimetype")
    model.repo.commit()


def _record(org_id: str, package_id: Optional[str], criterion: str, note: str,
            user_id: str, action: str = "override") -> str:
    from ckan import model
    from ckanext.opdc_kpi.model import confirmation as store

    record_id = str(uuid.uuid4())
    model.Session.execute(store.confirmation_table.insert().values(
        id=record_id, organization_id=org_id, fiscal_year=YEAR, package_id=package_id,
        criterion=criterion, action=action, value=3 if package_id else False, note=note,
        user_id=user_id, created=dt.datetime.utcnow()))
    model.repo.commit()
    return record_id


def plant() -> Catalog:
    """The catalog (on an empty database)."""
    from ckan import model
    from ckan.lib import search
    from ckan.tests import factories, helpers

    import ckan.plugins.toolkit as tk
    from ckanext.opdc_kpi.logic.harvest import catalog as harvest_db
    from ckanext.opdc_kpi.logic.workbooks import JOB_TITLE, run_workbook_job
    from ckanext.opdc_kpi.model import harvest_check

    canaries = Canaries()
    sysadmin = factories.SysadminWithToken()
    users: dict[str, Optional[dict[str, Any]]] = {
        role: factories.UserWithToken() for role in ("member", "editor", "admin", "assessor",
                                                     "control")}
    users["anonymous"] = None
    users["sysadmin"] = sysadmin
    as_sysadmin = {"user": sysadmin["name"]}
    org_a = factories.Organization(name="canary-org-a", focus_areas=["tourism"],
                                   users=[{"name": users["control"]["name"],
                                           "capacity": "admin"}])
    org_b = factories.Organization(name="canary-org-b", focus_areas=["tourism"], users=[
        {"name": users[role]["name"], "capacity": role} for role in ("member", "editor",
                                                                     "admin")])
    helpers.call_action("opdc_kpi_assessor_create", dict(as_sysadmin),
                        user=users["assessor"]["name"], organizations=[org_b["name"]])
    group = factories.Group(name="canary-group")
    as_a = {"user": users["control"]["name"]}

    def create(key: str, context: dict, **fields: Any) -> dict[str, Any]:
        data = dga_dataset_dict(**fields)
        data = _with_text_canaries(key, data, canaries)
        return helpers.call_action("package_create", dict(context), **data)

    datasets: dict[str, dict[str, Any]] = {}
    helpers.call_action("package_create", dict(as_a), **dga_dataset_dict(
        owner_org=org_a["id"], name="canary-a-open", kpi_years=[YEAR]))
    datasets["P1"] = create("P1", as_a, owner_org=org_a["id"], name="canary-a-private",
                            private=True, kpi_years=[YEAR])
    datasets["P2"] = create("P2", as_a, owner_org=org_a["id"], name="canary-a-legacy",
                            private=True, kpi_years=[YEAR])
    datasets["D"] = create("D", as_a, owner_org=org_a["id"], name="canary-a-draft",
                           private=False, state="draft", kpi_years=[YEAR])
    datasets["B_own"] = helpers.call_action("package_create", dict(as_sysadmin),
                                            **dga_dataset_dict(owner_org=org_b["id"],
                                                               name="canary-b-own",
                                                               kpi_years=[YEAR]))
    # M: assessed in B while public there, then moved to A and made private
    moved = helpers.call_action("package_create", dict(as_sysadmin), **dga_dataset_dict(
        owner_org=org_b["id"], name="canary-b-moving", kpi_years=[YEAR]))
    _record(org_b["id"], moved["id"], "access", "note of B, kept after the move",
            sysadmin["id"])
    datasets["M"] = helpers.call_action(
        "package_patch", dict(as_sysadmin), id=moved["id"], owner_org=org_a["id"],
        private=True, name=canaries.new("M dataset field: name"),
        title=canaries.new("M dataset field: title"),
        notes=canaries.new("M dataset field: notes"))
    helpers.call_action("member_create", dict(as_sysadmin), id=group["id"],
                        object=datasets["P1"]["id"], object_type="package", capacity="public")

    for key in ("P1", "D", "M"):
        _write_through_the_model(key, datasets[key]["id"], canaries, every_field=False,
                                 keep=BASKET_FIELDS)
    _write_through_the_model("P2", datasets["P2"]["id"], canaries, every_field=True,
                             keep={"focus_area"})
    for key in ("P1", "P2", "D", "M"):
        search.rebuild(datasets[key]["id"])
        datasets[key] = helpers.call_action("package_show", dict(as_sysadmin),
                                            id=datasets[key]["id"])

    records = [
        _record(org_a["id"], datasets["P1"]["id"], "access",
                canaries.new("A note: assessor's note on P1"), sysadmin["id"]),
        _record(org_a["id"], None, "catalog", canaries.new("A note: assessor's note on A"),
                sysadmin["id"]),
        _record(org_a["id"], datasets["D"]["id"], "complete",
                canaries.new("A note: a confirmation's note on the draft D"), sysadmin["id"],
                action="confirm"),
    ]
    # the record of A's last check as the harvester (anonymous) saw it: a
    # dataset received then, purged since (the check page lists it as gone),
    # and P1 and D by the names they had then
    seen = {str(uuid.uuid4()): {"name": canaries.new("A harvest record: a dataset gone since"),
                                "owner_org": org_a["id"]}}
    for key in ("P1", "D"):
        seen[datasets[key]["id"]] = {
            "name": canaries.new(f"A harvest record: {key}'s name as recorded"),
            "owner_org": org_a["id"]}
    harvest_check.save_record(
        org_a["id"], harvest_db.Viewer(None).key, dt.datetime.utcnow() - dt.timedelta(days=1),
        seen, {"seen": 3, "expected": 3, "paging_ok": True, "problems": 0, "gone": 0})
    job = tk.enqueue_job(run_workbook_job,
                         [None, org_a["id"], {}, users["control"]["name"], "import"],
                         title=JOB_TITLE)
    activities = {}
    for key in ("P1", "P2", "D", "M"):
        listed = helpers.call_action("package_activity_list", dict(as_sysadmin),
                                     id=datasets[key]["id"])
        activities[key] = [a["id"] for a in listed]
    tags = [t for t, where in canaries.where.items() if " tag: " in where]
    model.Session.remove()
    return Catalog(users=users, org_a=org_a, org_b=org_b, group=group, datasets=datasets,
                   activities=activities, records=records, jobs=[job.id], canaries=canaries,
                   tags=tags)


def remove_jobs(catalog: Catalog) -> None:
    import ckan.lib.jobs as jobs

    for job_id in catalog.jobs:
        try:
            jobs.job_from_id(job_id).delete()
        except KeyError:
            pass
