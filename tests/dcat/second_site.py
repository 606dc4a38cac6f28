"""The harvesting second site of ``test_harvest.py``: its ini, and what runs
in processes of its own with that ini:

- ``python -m tests.dcat.second_site setup INI SOURCE_URL``: an empty
  database with CKAN's, ckanext-harvest's and the extension's tables, an
  organization and a DCAT RDF harvest source of this site's ``/catalog.ttl``.
- ``python -m tests.dcat.second_site harvest INI``: a harvest job through
  ckanext-harvest's own stages (gather, then fetch and import per object),
  as ``ckan harvester run-test`` does, without its last step: ckanext-harvest's
  ``harvest_jobs_run`` reindexes the source with Solr's ``PackageSearchIndex``
  directly (not through CKAN's search registry), which a site on the
  PostgreSQL search has not; the job is marked finished here instead.

Each prints JSON. No module-level CKAN import (pytest collects this module)."""
from __future__ import annotations

import json
import sys

from tests.ini_support import LOGGING

PLUGINS = ("activity scheming_datasets scheming_organizations opdc_kpi opdc_kpi_pgsearch "
           "dcat harvest dcat_rdf_harvester")
SOURCE = "opdc-catalog"


def ini_text(base_ini: str, db_url: str, port: int) -> str:
    """The second site: the test ini's settings with its own database, site
    id and URL, and the harvester's plugins (the PostgreSQL search in both
    search modes: its search is not what is tested)."""
    return (f"[app:main]\nuse = config:{base_ini}\nsqlalchemy.url = {db_url}\n"
            f"ckan.site_id = opdc_kpi_harvest\nckan.site_url = http://127.0.0.1:{port}\n"
            f"ckan.plugins = {PLUGINS}\n{LOGGING}")


def setup(ini: str, source_url: str) -> dict:
    import importlib

    from ckan import model
    from ckan.cli import load_config
    from ckan.cli.db import _run_migrations
    from ckan.config.middleware import make_app
    from ckan.tests import helpers

    app = make_app(load_config(ini))
    with app._wsgi_app.test_request_context():
        helpers.reset_db()
        for plugin in ("activity", "harvest", "opdc_kpi"):
            _run_migrations(plugin)
        with model.meta.engine.begin() as connection:
            importlib.import_module("ckanext.opdc_kpi.migration.opdc_kpi.versions."
                                    "d5e6f7a80001_focus_area_vocabulary").create(connection)
        site_user = helpers.call_action("get_site_user")["name"]
        context = {"user": site_user}
        org = helpers.call_action("organization_create", context=dict(context),
                                  name="harvested-agencies", title="หน่วยงานที่เก็บเกี่ยว")
        helpers.call_action("harvest_source_create", context=dict(context), name=SOURCE,
                            title="OPDC catalog", url=source_url, source_type="dcat_rdf",
                            owner_org=org["id"], frequency="MANUAL")
        return {"source": SOURCE, "organization": org["name"]}


def harvest(ini: str) -> dict:
    import datetime as dt

    from ckan.cli import load_config
    from ckan.config.middleware import make_app
    from ckan.tests import helpers
    from ckanext.harvest import queue
    from ckanext.harvest.model import HarvestJob, HarvestObject

    app = make_app(load_config(ini))
    with app._wsgi_app.test_request_context():
        context = {"user": helpers.call_action("get_site_user")["name"]}
        source = helpers.call_action("harvest_source_show", context=dict(context), id=SOURCE)
        job_id = helpers.call_action("harvest_job_create", context=dict(context),
                                     source_id=source["id"])["id"]
        job = HarvestJob.get(job_id)
        job.status = "Running"
        job.save()
        harvester = queue.get_harvester(source["source_type"])
        object_ids = queue.gather_stage(harvester, job) or []
        errors = [e.message for e in job.gather_errors]
        for object_id in object_ids:
            harvest_object = HarvestObject.get(object_id)
            queue.fetch_and_import_stages(harvester, harvest_object)
            errors += [f"{harvest_object.guid}: {e.message}" for e in harvest_object.errors]
        job.status = "Finished"
        job.finished = dt.datetime.utcnow()
        job.save()
        return {"objects": len(object_ids), "errors": errors}


if __name__ == "__main__":
    if sys.argv[1:2] == ["setup"] and len(sys.argv) == 4:
        print(json.dumps(setup(sys.argv[2], sys.argv[3])))
    elif sys.argv[1:2] == ["harvest"] and len(sys.argv) == 3:
        print(json.dumps(harvest(sys.argv[2]), ensure_ascii=False))
    else:
        sys.exit("usage: python -m tests.dcat.second_site setup INI SOURCE_URL | harvest INI")
