"""``ckan opdc-kpi ...`` commands through CKAN's CLI runner."""
import csv
import io
import json

import pytest

from ckan.cli.cli import ckan
from ckan.tests import factories

from .factories_dga import dga_dataset_dict

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")


@pytest.fixture
def scored_org():
    org = factories.Organization(focus_areas=["tourism"], catalog_url="https://data.example.go.th")
    factories.Dataset(**dga_dataset_dict(owner_org=org["id"], mission="ภารกิจ",
                                         work_process="กระบวนการ"))
    factories.Dataset(**dga_dataset_dict(owner_org=org["id"], private=True))
    return org


def _output(result):
    assert result.exit_code == 0, result.output
    return result.stdout if hasattr(result, "stdout") else result.output


def test_score_one_organization_as_json(cli, scored_org):
    result = cli.invoke(ckan, ["opdc-kpi", "score", "--org", scored_org["name"], "--year", "2565",
                               "--format", "json"])
    report = json.loads(_output(result))
    assert report["organization"]["name"] == scored_org["name"]
    assert report["parts"]["metadata"]["total"] == 2  # private datasets count: full view
    assert report["level"] == "standard"


def test_score_all_organizations_as_csv_public_only(cli, scored_org):
    factories.Organization(name="empty-org")
    result = cli.invoke(ckan, ["opdc-kpi", "score", "--year", "2565", "--public-only",
                               "--format", "csv"])
    text = _output(result)
    rows = {row["organization"]: row for row in csv.DictReader(io.StringIO(text[text.index("organization,"):]))}
    assert set(rows) == {scored_org["name"], "empty-org"}
    assert rows[scored_org["name"]]["basket"] == "1"
    assert rows["empty-org"]["score"] == "0.00"


def test_table_lists_reasons_for_one_organization(cli, scored_org):
    result = cli.invoke(ckan, ["opdc-kpi", "score", "--org", scored_org["name"], "--year", "2565"])
    text = _output(result)
    assert scored_org["name"] in text and "standard" in text


def test_unknown_organization_and_bad_year_fail_cleanly(cli, scored_org):
    missing = cli.invoke(ckan, ["opdc-kpi", "score", "--org", "no-such-org"])
    assert missing.exit_code != 0 and "no-such-org" in missing.output
    bad = cli.invoke(ckan, ["opdc-kpi", "score", "--org", scored_org["name"], "--year", "1999"])
    assert bad.exit_code != 0 and "fiscal" in bad.output.lower()


def test_the_solr_schema_command_says_why_it_cannot_write(cli, tmp_path):
    """An output file in a folder that does not exist, or on a full disk: the
    reason in one line and a failing exit status, not a traceback; nothing
    half-written is left where the schema was to go."""
    missing = tmp_path / "missing" / "schema.xml"
    for target in (str(missing), "/dev/full"):
        result = cli.invoke(ckan, ["opdc-kpi", "solr-schema", "-o", target])
        assert result.exit_code != 0, target
        assert "Cannot write the Thai Solr schema" in result.output, (target, result.output)
        assert result.exception is None or isinstance(result.exception, SystemExit), \
            repr(result.exception)
    assert not missing.parent.exists()
    written = tmp_path / "schema.xml"
    written.write_text("an older schema", encoding="utf-8")
    result = cli.invoke(ckan, ["opdc-kpi", "solr-schema", "-o", str(written)])
    assert result.exit_code == 0, result.output
    assert "<schema name=" in written.read_text(encoding="utf-8")
    assert [p.name for p in tmp_path.iterdir()] == ["schema.xml"]
