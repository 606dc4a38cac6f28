"""Random sequences of changes through the action API; after each one the
stored figures equal a full live recompute, in both views.

Fixed seed (derandomized). ``OPDC_KPI_FIGURES_EXAMPLES`` bounds the run:
the default is a smoke run of about a minute; CI sets a larger number
(see the README)."""
from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings, strategies as st
from hypothesis.stateful import (RuleBasedStateMachine, initialize, invariant, precondition,
                                 rule, run_state_machine_as_test)

import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from ..factories_dga import dga_dataset_dict
from .support import assert_current

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")

YEARS = (2564, 2565, 2566)
EXAMPLES = int(os.environ.get("OPDC_KPI_FIGURES_EXAMPLES", "6"))
STEPS = int(os.environ.get("OPDC_KPI_FIGURES_STEPS", "12"))
years = st.lists(st.sampled_from(YEARS), max_size=2, unique=True)
pick = st.integers(min_value=0, max_value=10 ** 6)
CATEGORIES = ("ข้อมูลสาธารณะ", "ข้อมูลส่วนบุคคล", "ข้อมูลความลับทางราชการ")
LICENCES = ("Creative Commons Attributions", "License not specified", "Open Data Common")
FORMATS = ("CSV", "PDF", "XLS", "API", "")


class Catalog(RuleBasedStateMachine):
    """Two organizations and their datasets, changed at random."""

    @initialize()
    def start(self):
        self.context = {"user": factories.Sysadmin()["name"], "ignore_auth": False}
        self.orgs = [factories.Organization(focus_areas=["tourism"],
                                            catalog_url="https://c.example.go.th")["id"],
                     factories.Organization(focus_areas=["tourism", "health"])["id"]]
        self.datasets: list[str] = []

    def act(self, name, **data):
        return helpers.call_action(name, dict(self.context), **data)

    def dataset(self, n):
        return self.datasets[n % len(self.datasets)]

    @rule(org=pick, private=st.booleans(), kpi_years=years, category=st.sampled_from(CATEGORIES),
          focus=st.sampled_from(["tourism", "health"]), mission=st.booleans())
    def create(self, org, private, kpi_years, category, focus, mission):
        licence = "Creative Commons Attributions" if category == CATEGORIES[0] else (
            "License not specified")
        pkg = factories.Dataset(**dga_dataset_dict(
            owner_org=self.orgs[org % 2], private=private, kpi_years=kpi_years or "",
            data_category=category, license_id=licence, focus_area=focus,
            mission="ภารกิจ" if mission else "", work_process="กระบวนการ"))
        self.datasets.append(pkg["id"])

    def patch(self, n, **fields):
        try:
            self.act("package_patch", id=self.dataset(n), **fields)
        except tk.ValidationError:
            pass    # refused: nothing changed

    @precondition(lambda self: self.datasets)
    @rule(n=pick, private=st.booleans())
    def privacy(self, n, private):
        self.patch(n, private=private)

    @precondition(lambda self: self.datasets)
    @rule(n=pick, licence=st.sampled_from(LICENCES), category=st.sampled_from(CATEGORIES))
    def licence_and_category(self, n, licence, category):
        self.patch(n, license_id=licence, data_category=category)

    @precondition(lambda self: self.datasets)
    @rule(n=pick, kpi_years=years)
    def kpi_years(self, n, kpi_years):
        self.patch(n, kpi_years=kpi_years or "")

    @precondition(lambda self: self.datasets)
    @rule(n=pick, field=st.sampled_from(["maintainer_email", "geo_coverage", "mission",
                                         "use_case_url", "single_source_of_truth"]),
          value=st.sampled_from(["", "x", "https://use.example.go.th/r", "True"]))
    def field(self, n, field, value):
        self.patch(n, **{field: value})

    @precondition(lambda self: self.datasets)
    @rule(n=pick, fmt=st.sampled_from(FORMATS))
    def add_resource(self, n, fmt):
        self.act("resource_create", package_id=self.dataset(n), format=fmt,
                 url=f"https://data.example.go.th/r.{fmt.lower() or 'bin'}")

    @precondition(lambda self: self.datasets)
    @rule(n=pick)
    def drop_resource(self, n):
        resources = self.act("package_show", id=self.dataset(n))["resources"]
        if resources:
            self.act("resource_delete", id=resources[0]["id"])

    @precondition(lambda self: self.datasets)
    @rule(n=pick)
    def move(self, n):
        pkg = self.act("package_show", id=self.dataset(n))
        other = next(org for org in self.orgs if org != pkg["owner_org"])
        self.act("package_owner_org_update", id=pkg["id"], organization_id=other)

    @precondition(lambda self: self.datasets)
    @rule(n=pick, purge=st.booleans())
    def delete(self, n, purge):
        pkg_id = self.datasets.pop(n % len(self.datasets))
        self.act("dataset_purge" if purge else "package_delete", id=pkg_id)

    @rule(org=pick, focus=st.lists(st.sampled_from(["tourism", "health", "economy"]),
                                   max_size=2, unique=True),
          url=st.sampled_from(["", "https://c.example.go.th", "not a url"]))
    def organization(self, org, focus, url):
        try:
            self.act("organization_patch", id=self.orgs[org % 2], focus_areas=focus,
                     catalog_url=url)
        except tk.ValidationError:
            pass

    @rule(org=pick, year=st.sampled_from(YEARS),
          criterion=st.sampled_from(["basic", "catalog", "use"]), value=st.booleans())
    def confirmation(self, org, year, criterion, value):
        self.act("opdc_kpi_confirmation_create", id=self.orgs[org % 2], fiscal_year=year,
                 criterion=criterion, action="override", value=value, note="checked")

    @rule(org=pick, year=st.sampled_from(YEARS))
    def freeze(self, org, year):
        self.act("opdc_kpi_snapshot_create", id=self.orgs[org % 2], fiscal_year=year)

    @invariant()
    def figures_are_current(self):
        if getattr(self, "orgs", None):
            assert_current(years=YEARS, org_ids=self.orgs)


def test_stored_figures_equal_a_live_recompute_after_every_change():
    run_state_machine_as_test(Catalog, settings=settings(
        max_examples=EXAMPLES, stateful_step_count=STEPS, derandomize=True, deadline=None,
        database=None, suppress_health_check=list(HealthCheck)))
