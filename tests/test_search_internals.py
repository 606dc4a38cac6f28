"""The PostgreSQL search relies on CKAN internals that have no public
interface: they are named in one module and checked at start-up."""
import ckan
import pytest
from ckan.lib import search

from ckanext.opdc_kpi.search import backend, ckan_internals

# the PostgreSQL search itself: skipped on Solr (tests/conftest.py)
pytestmark = pytest.mark.pgsearch


def test_this_ckan_has_every_internal():
    assert ckan_internals.missing() == []
    ckan_internals.check()


@pytest.mark.parametrize("module, attribute", [
    (search, "_QUERIES"), (search, "check_solr_schema_version"),
    (search.query, "VALID_SOLR_PARAMETERS"), (search.index, "PackageSearchIndex"),
])
def test_a_missing_internal_stops_start_up_naming_it_and_the_version(monkeypatch, module,
                                                                      attribute):
    monkeypatch.delattr(module, attribute)
    with pytest.raises(ckan_internals.CkanInternalsMissing) as error:
        backend.install()
    message = str(error.value)
    assert f"{module.__name__}.{attribute}" in message
    assert f"CKAN {ckan.__version__}" in message


def test_a_registry_without_the_package_entry_is_missing(monkeypatch):
    monkeypatch.setattr(search, "_INDICES", {"group": object})
    assert ckan_internals.missing() == ["ckan.lib.search._INDICES['package']"]


def test_nothing_is_replaced_when_an_internal_is_missing(monkeypatch):
    before = dict(search._QUERIES)
    monkeypatch.delattr(search, "check_solr_schema_version")
    with pytest.raises(ckan_internals.CkanInternalsMissing):
        backend.install()
    assert search._QUERIES == before
