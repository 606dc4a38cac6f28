"""A workbook import brings the stored figures up to date once, after its
last row, not after every row's commit (``tracking.deferred``): applying
sums the organization's stored contributions again, so an import into a
large organization cost more per dataset with every row (101 ms per dataset
for the first hundred, 250 ms at the fifth). Figures stay right: noted and
stale in between, current at the end, whatever ends the batch."""
from __future__ import annotations

import pytest

from ckan.tests import factories, helpers

from ckanext.opdc_kpi.excel.workbook import read_workbook
from ckanext.opdc_kpi.logic import workbooks as excel
from ckanext.opdc_kpi.logic.score import figures, tracking

from ..factories_dga import dga_dataset_dict
from ..workbook_files import full_workbook
from .support import assert_current

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")


def _spy_apply(monkeypatch) -> list[list[str]]:
    calls: list[list[str]] = []
    real = figures.apply

    def apply(org_ids):
        calls.append(sorted(org_ids))
        return real(org_ids)
    monkeypatch.setattr(figures, "apply", apply)
    return calls


def test_an_import_applies_the_figures_once_after_its_last_row(tmp_path, monkeypatch):
    org = factories.Organization()
    factories.Dataset(**dga_dataset_dict(owner_org=org["id"]))
    context = {"user": factories.Sysadmin()["name"], "ignore_auth": False}
    workbook = read_workbook(full_workbook(tmp_path / "book.xlsx", 6))
    calls = _spy_apply(monkeypatch)
    results = excel.import_workbook(context, workbook, org=org["id"], workers=1)
    assert [r["action"] for r in results] == ["create"] * 6, results
    assert calls == [[org["id"]]]
    assert_current()
    # a dry run writes nothing and applies nothing
    calls.clear()
    excel.import_workbook(context, workbook, org=org["id"], dry_run=True)
    assert calls == []


def test_a_batch_that_ends_by_an_error_applies_what_it_committed(monkeypatch):
    org = factories.Organization()
    sysadmin = {"user": factories.Sysadmin()["name"], "ignore_auth": False}
    calls = _spy_apply(monkeypatch)
    with pytest.raises(RuntimeError):
        with tracking.deferred():
            for n in range(2):
                helpers.call_action("package_create", dict(sysadmin),
                                    **dga_dataset_dict(owner_org=org["id"], name=f"batch-{n}"))
            assert calls == []
            raise RuntimeError("the import stopped")
    assert calls == [[org["id"]]]
    assert_current()
