"""Writers in several processes changing datasets of one organization at
once (workbook import workers, the web server, a command) lose no update:
each in its own thread, session and database connection, with the first
recompute held open after it has read the catalog, so later commits land
while it is still to write."""
from __future__ import annotations

import threading
import time

import pytest

import ckan.model as model
from ckan.tests import factories

from ckanext.opdc_kpi.logic.score import contributions

from ..factories_dga import dga_dataset_dict
from .support import assert_current

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")


def test_concurrent_writers_of_one_organization_lose_no_update(monkeypatch):
    org = factories.Organization(focus_areas=["tourism"], catalog_url="https://c.example.go.th")
    ids = [factories.Dataset(**dga_dataset_dict(owner_org=org["id"], mission="ภารกิจ",
                                                work_process="กระบวนการ"))["id"]
           for _ in range(3)]
    real, held = contributions.compute, threading.Event()

    def slow(session, org_ids, dataset_ids=None):
        rows = real(session, org_ids, dataset_ids)
        if not held.is_set():      # the first recompute: read, then wait to write
            held.set()
            time.sleep(0.6)
        return rows
    monkeypatch.setattr(contributions, "compute", slow)
    start, errors = threading.Barrier(len(ids)), []

    def writer(n, pkg_id):
        try:
            start.wait()
            for step in range(4):
                time.sleep(0.05 * n)
                pkg = model.Session.get(model.Package, pkg_id)
                pkg.private = not pkg.private
                model.Session.commit()
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            model.Session.remove()

    threads = [threading.Thread(target=writer, args=(n, pkg_id)) for n, pkg_id in enumerate(ids)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors
    # the last toggle of the last writer committed while earlier recomputes ran
    model.Session.remove()
    privates = {model.Session.get(model.Package, pkg_id).private for pkg_id in ids}
    assert privates == {False}
    assert_current(years=(2565,))
