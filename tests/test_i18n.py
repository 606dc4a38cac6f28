"""The Thai translation: complete, compiled by make, used by the pages."""
import pathlib
import subprocess
import sys

import pytest
from babel.messages.pofile import read_po

from ckan.tests import factories

from .factories_dga import dga_dataset_dict

ROOT = pathlib.Path(__file__).resolve().parents[1]
PO = ROOT / "ckanext/opdc_kpi/i18n/th/LC_MESSAGES/ckanext-opdc_kpi.po"


def test_every_user_visible_string_has_a_thai_translation(tmp_path):
    pot = tmp_path / "fresh.pot"
    pybabel = pathlib.Path(sys.executable).with_name("pybabel")
    subprocess.run([str(pybabel), "-q", "extract", "-F", "babel.cfg", "-k", "_", "-k", "N_",
                    "-k", "ungettext:1,2", "-o", str(pot), "ckanext"], cwd=ROOT, check=True)
    wanted = {m.id for m in read_po(pot.open("rb")) if m.id}
    thai = {m.id: m.string for m in read_po(PO.open("rb"), locale="th") if m.id}
    untranslated = sorted(i for i in wanted if not thai.get(i))
    assert not untranslated, f"run `make i18n-extract` and translate: {untranslated[:10]}"


@pytest.mark.usefixtures("with_plugins", "clean_db")
def test_pages_speak_thai_and_english(app):
    user = factories.UserWithToken()
    org = factories.Organization(focus_areas=["tourism"],
                                 users=[{"name": user["name"], "capacity": "admin"}])
    factories.Dataset(**dga_dataset_dict(owner_org=org["id"]))
    headers = {"Authorization": user["token"]}
    thai = app.get(f"/th/organization/{org['name']}/kpi?year=2565", headers=headers)
    assert "ขั้นของตัวชี้วัด" in thai.get_data(as_text=True)
    english = app.get(f"/en/organization/{org['name']}/kpi?year=2565", headers=headers)
    assert "The ladder" in english.get_data(as_text=True)
