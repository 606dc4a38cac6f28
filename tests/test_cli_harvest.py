"""``ckan opdc-kpi harvest-check``: the action behind a command."""
from __future__ import annotations

import csv
import io
import json

import pytest

from ckan.cli.cli import ckan
from ckan.tests import factories

from tests.factories_dga import dga_dataset

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")


def run(cli, *args):
    result = cli.invoke(ckan, ["opdc-kpi", "harvest-check", *args])
    return result


def test_json_table_and_csv(cli):
    org = factories.Organization()
    dga_dataset(owner_org=org["id"])
    bad = dga_dataset(owner_org=org["id"], allow_harvest="False")
    result = run(cli, "--org", org["name"], "--format", "json", "--no-record")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["seen"] == 2 and payload["paging_ok"] and not payload["recorded"]
    assert [d["name"] for d in payload["no_consent"]] == [bad["name"]]

    table = run(cli, "--org", org["name"], "--lang", "th")
    assert table.exit_code == 0, table.output
    assert "seen 2 of 2" in table.output and "paging OK" in table.output
    assert bad["name"] in table.output and "GD-Catalog" in table.output

    out = run(cli, "--org", org["name"], "--format", "csv", "--lang", "en")
    found = list(csv.DictReader(io.StringIO(out.output)))
    assert [(r["kind"], r["name"], r["code"]) for r in found] == [
        ("problems", bad["name"], "harvest_no_consent")]
    assert "consent" in found[0]["message"]


def test_strict_exit_status_and_errors(cli):
    org = factories.Organization()
    dga_dataset(owner_org=org["id"], allow_harvest="False")
    assert run(cli, "--org", org["name"], "--strict").exit_code == 1
    clean = factories.Organization()
    dga_dataset(owner_org=clean["id"])
    assert run(cli, "--org", clean["name"], "--strict").exit_code == 0
    missing = run(cli, "--org", "no-such-org")
    assert missing.exit_code != 0 and "Organization not found" in missing.output
    bad_since = run(cli, "--since", "yesterday")
    assert bad_since.exit_code != 0 and "Since" in bad_since.output
