"""``ckan opdc-kpi figures verify|rebuild``, and the stored figures' reads
(the admin page and its download), through CKAN's CLI runner and app."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

import ckan.model as model
from ckan.cli.cli import ckan
from ckan.tests import factories

from ckanext.opdc_kpi.logic.score import figures
from ckanext.opdc_kpi.model import figures as store

from ..factories_dga import dga_dataset_dict
from .support import assert_current

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")


@pytest.fixture
def catalog():
    orgs = [factories.Organization(focus_areas=["tourism"],
                                   catalog_url="https://c.example.go.th") for _ in range(3)]
    for org in orgs:
        factories.Dataset(**dga_dataset_dict(owner_org=org["id"], mission="ภารกิจ",
                                             work_process="กระบวนการ"))
    return orgs


def _tamper(org_id):
    model.Session.execute(sa.text(
        "UPDATE opdc_kpi_figures SET row = jsonb_set(row, '{score}', '99.5') "
        "WHERE organization_id = :id"), {"id": org_id})
    model.Session.commit()


def test_verify_passes_then_lists_a_difference_then_rebuild_mends(cli, catalog):
    result = cli.invoke(ckan, ["opdc-kpi", "figures", "verify"])
    assert result.exit_code == 0, result.output
    _tamper(catalog[1]["id"])
    result = cli.invoke(ckan, ["opdc-kpi", "figures", "verify"])
    assert result.exit_code == 1
    assert catalog[1]["name"] in result.output and "99.5" in result.output
    assert catalog[0]["name"] not in result.output
    result = cli.invoke(ckan, ["opdc-kpi", "figures", "rebuild"])
    assert result.exit_code == 0, result.output
    assert cli.invoke(ckan, ["opdc-kpi", "figures", "verify"]).exit_code == 0
    assert_current()


def test_verify_reports_stale_and_missing_figures(cli, catalog):
    model.Session.execute(sa.text("DELETE FROM opdc_kpi_figures WHERE organization_id = :id"),
                          {"id": catalog[0]["id"]})
    model.Session.execute(sa.text("UPDATE opdc_kpi_figures SET stale = true "
                                  "WHERE organization_id = :id"), {"id": catalog[2]["id"]})
    model.Session.commit()
    result = cli.invoke(ckan, ["opdc-kpi", "figures", "verify"])
    assert result.exit_code == 1
    assert "no stored figures" in result.output and "stale" in result.output


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_rebuild_that_crashes_midway_leaves_the_old_figures_readable(
        cli, catalog, monkeypatch, workers):
    model.Session.remove()
    before = {org["id"]: store.rows_for(model.Session, 2565, False)[org["id"]][2565].row
              for org in catalog}
    for org in catalog:
        _tamper(org["id"])
    real, doomed = figures.contributions.compute, sorted(o["id"] for o in catalog)[1]

    def crashing(session, org_ids, dataset_ids=None):
        if doomed in org_ids:       # in whichever process gets its chunk
            raise RuntimeError("killed")
        return real(session, org_ids, dataset_ids)
    monkeypatch.setattr(figures, "CHUNK", 1)
    monkeypatch.setattr(figures.contributions, "compute", crashing)
    result = cli.invoke(ckan, ["opdc-kpi", "figures", "rebuild", "--workers", workers])
    assert result.exit_code != 0
    assert isinstance(result.exception, RuntimeError)
    model.Session.remove()
    after = store.rows_for(model.Session, 2565, False)
    # the crashed chunk's figures: the old ones, whole and readable
    assert after[doomed][2565].row["score"] == 99.5
    assert {key: value for key, value in after[doomed][2565].row.items() if key != "score"} \
        == {key: value for key, value in before[doomed].items() if key != "score"}
    if workers == "1":       # chunks in name order: the first committed, the third not begun
        assert after[sorted(before)[0]][2565].row == before[sorted(before)[0]]
    monkeypatch.undo()
    assert cli.invoke(ckan, ["opdc-kpi", "figures", "rebuild"]).exit_code == 0
    assert_current()


def test_a_rebuild_in_several_processes_recomputes_every_organization(cli, catalog,
                                                                       monkeypatch):
    for org in catalog:
        _tamper(org["id"])
    monkeypatch.setattr(figures, "CHUNK", 1)
    result = cli.invoke(ckan, ["opdc-kpi", "figures", "rebuild", "--workers", "3"])
    assert result.exit_code == 0, result.output
    assert "3 organizations" in result.output
    assert_current()
    assert cli.invoke(ckan, ["opdc-kpi", "figures", "verify"]).exit_code == 0


def test_the_admin_page_and_its_download_read_the_stored_figures(app, catalog):
    sysadmin = factories.SysadminWithToken()
    _tamper(catalog[0]["id"])      # what is stored is what the page shows
    page = app.get("/ckan-admin/opdc-kpi?year=2565",
                   headers={"Authorization": sysadmin["token"]})
    assert "99.5" in page.body
    csv = app.get("/ckan-admin/opdc-kpi?year=2565&format=csv",
                  headers={"Authorization": sysadmin["token"]})
    assert "99.5" in csv.body


def test_verify_reports_no_difference_on_the_demo(cli):
    result = cli.invoke(ckan, ["opdc-kpi", "demo"])
    assert result.exit_code == 0, result.output
    result = cli.invoke(ckan, ["opdc-kpi", "figures", "verify"])
    assert result.exit_code == 0, result.output
    assert_current()



def _sigterm_is_default(item: int) -> bool:
    import signal
    return signal.getsignal(signal.SIGTERM) == signal.SIG_DFL


def test_a_forked_worker_answers_sigterm_whatever_the_parent_installed():
    """An RQ worker (a rebuild in a job, or any earlier test that ran one in
    this process) leaves a SIGTERM handler that forked pool workers inherit;
    the pool stops its workers with SIGTERM after a failed chunk, and with
    the handler they ignored it and the pool waited for them for ever (CI
    hung there). Each worker answers SIGTERM by default."""
    import signal

    previous = signal.signal(signal.SIGTERM, lambda *args: None)  # as rq's handler does
    try:
        answers = list(figures._each(_sigterm_is_default, [1, 2, 3, 4], workers=2))
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert answers == [True] * 4
