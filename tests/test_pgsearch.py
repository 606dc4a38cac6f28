"""The PostgreSQL search plugin through CKAN's real actions and pages."""
import pytest
import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.lib.search.common import SearchQueryError
from ckan.tests import factories, helpers

from ckanext.opdc_kpi.search import backend
from tests.pgsearch_support import dataset_dict, make_dataset

# the PostgreSQL search itself: skipped on Solr (tests/conftest.py)
pytestmark = [pytest.mark.pgsearch, pytest.mark.usefixtures("with_plugins", "clean_db")]


def _rows():
    return model.Session.execute(sa.text("SELECT id, name FROM opdc_kpi_search")).all()


def _dataset(**kwargs):
    """A dataset in an organization (every dataset belongs to one here),
    valid under whichever dataset schema the site has."""
    return make_dataset(**kwargs)


def _search(user=None, **params):
    context = {"user": user["name"]} if user else {"user": ""}
    return tk.get_action("package_search")(context, params)


def test_created_dataset_is_found_and_equals_package_show():
    org = factories.Organization()
    dataset = _dataset(owner_org=org["id"], title="Water quality")
    result = helpers.call_action("package_search", q="water")
    assert result["count"] == 1
    shown = helpers.call_action("package_show", id=dataset["id"])
    assert result["results"][0] == shown


def test_package_show_from_the_index_is_the_validated_dataset():
    # package_show serves the index's copy when it is current; on CKAN 2.11
    # the index must validate the dict itself (2.12 hands it over)
    dataset = _dataset(title="Served from the index")
    cached = helpers.call_action("package_show", id=dataset["id"])
    fresh = helpers.call_action("package_show", context={"use_cache": False}, id=dataset["id"])
    assert cached == fresh


def test_update_and_delete_follow_the_dataset():
    sysadmin = factories.Sysadmin()
    dataset = _dataset(title="Qqzx title")
    helpers.call_action("package_patch", context={"user": sysadmin["name"]},
                        id=dataset["id"], title="Rainfall by province")
    assert helpers.call_action("package_search", q="rainfall")["count"] == 1
    assert helpers.call_action("package_search", q="qqzx")["count"] == 0
    helpers.call_action("package_delete", context={"user": sysadmin["name"]}, id=dataset["id"])
    assert helpers.call_action("package_search", q="rainfall")["count"] == 0
    # CKAN's default (ckan.search.remove_deleted_packages) drops deleted datasets
    assert helpers.call_action("package_search", q="rainfall", include_deleted=True)["count"] == 0
    assert _rows() == []


def test_private_datasets_follow_permission_labels():
    org = factories.Organization()
    other_org = factories.Organization()
    member = factories.User()
    stranger = factories.User()
    sysadmin = factories.Sysadmin()
    helpers.call_action(
        "organization_member_create", id=org["id"], username=member["name"], role="member"
    )
    _dataset(owner_org=org["id"], private=True, title="Secret budget")
    _dataset(owner_org=other_org["id"], private=True, title="Other secret budget")
    _dataset(owner_org=org["id"], title="Public budget")

    def titles(user):
        return sorted(d["title"] for d in _search(user, q="budget", include_private=True)["results"])

    assert titles(None) == ["Public budget"]
    assert titles(stranger) == ["Public budget"]
    assert titles(member) == ["Public budget", "Secret budget"]
    assert titles(sysadmin) == ["Other secret budget", "Public budget", "Secret budget"]
    # without include_private nobody gets private datasets
    assert [d["title"] for d in _search(sysadmin, q="budget")["results"]] == ["Public budget"]


def test_drafts_only_for_their_organization_and_sysadmins():
    creator = factories.User()
    stranger = factories.User()
    org = factories.Organization(users=[{"name": creator["name"], "capacity": "editor"}])
    _dataset(title="Draft plan", state="draft", user=creator, owner_org=org["id"])
    assert _search(creator, q="draft", include_drafts=True)["count"] == 1
    assert _search(factories.Sysadmin(), q="draft", include_drafts=True)["count"] == 1
    assert _search(stranger, q="draft", include_drafts=True)["count"] == 0
    assert _search(creator, q="draft")["count"] == 0


def test_filters_paging_and_sorting():
    org_a = factories.Organization(name="org-a")
    org_b = factories.Organization(name="org-b")
    ids = [_dataset(owner_org=org_a["id"])["id"] for _ in range(3)]
    ids += [_dataset(owner_org=org_b["id"])["id"] for _ in range(2)]
    result = helpers.call_action("package_search", fq="organization:org-a")
    assert result["count"] == 3
    result = helpers.call_action("package_search", fq="organization:org-a OR organization:org-b")
    assert result["count"] == 5
    result = helpers.call_action("package_search", fq="-organization:org-a")
    assert result["count"] == 2
    result = helpers.call_action("package_search", fq=f"owner_org:{org_b['id']}")
    assert result["count"] == 2
    seen = []
    for start in range(0, 5, 2):
        page = helpers.call_action("package_search", rows=2, start=start, sort="id asc")
        seen += [d["id"] for d in page["results"]]
    assert seen == sorted(ids)
    newest = helpers.call_action("package_search", sort="metadata_modified desc", rows=1)
    assert newest["results"][0]["id"] == ids[-1]


def test_thai_text_matches_inside_words():
    _dataset(title="สถิติข้อมูลน้ำฝนรายจังหวัด")
    _dataset(title="Road accidents")
    assert helpers.call_action("package_search", q="ข้อมูล")["count"] == 1
    assert helpers.call_action("package_search", q="น้ำฝน จังหวัด")["count"] == 1
    assert helpers.call_action("package_search", q="น้ำฝน accidents")["count"] == 0


@pytest.mark.parametrize(
    "params",
    [{"q": "{!child of=x}y"}, {"fq": 'title:"unbalanced'}, {"sort": "nosuchfield asc"},
     {"fq": "metadata_modified:[yesterday TO *]"}, {"q": "_val_:1"}],
)
def test_unsupported_syntax_is_a_clear_search_error(params):
    with pytest.raises(SearchQueryError):
        helpers.call_action("package_search", **params)


def test_unsupported_syntax_answers_400_over_the_api(app):
    response = app.get("/api/3/action/package_search", query_string={"q": "{!lucene}x"}, status=400)
    assert "not supported" in response.json["error"]["message"]


def test_failed_create_leaves_no_search_row(monkeypatch):
    org = factories.Organization()

    def broken_commit():
        raise RuntimeError("disk full")

    monkeypatch.setattr(model.repo, "commit", broken_commit)
    data, _ = dataset_dict(name="will-fail", owner_org=org["id"])
    with pytest.raises(RuntimeError):
        helpers.call_action("package_create", **data)
    model.Session.rollback()
    monkeypatch.undo()
    assert _rows() == []
    assert model.Package.get("will-fail") is None


def test_search_index_rebuild_refills_the_table():
    dataset = _dataset()
    model.Session.execute(sa.text("DELETE FROM opdc_kpi_search"))
    model.Session.commit()
    assert helpers.call_action("package_search")["count"] == 0
    from ckan.lib.search import rebuild

    rebuild(quiet=True)
    assert [r.id for r in _rows()] == [dataset["id"]]


def test_clean_index_empties_the_table(reset_index):
    _dataset()
    reset_index()
    assert _rows() == []


@pytest.mark.parametrize(
    "url", ["/", "/dataset/", "/organization/", "/group/"]
)
def test_pages_answer(app, url):
    _dataset(title="A page dataset")
    app.get(url, status=200)


def test_dataset_and_organization_pages(app):
    org = factories.Organization()
    dataset = _dataset(owner_org=org["id"])
    app.get(f"/dataset/{dataset['name']}", status=200)
    response = app.get(f"/organization/{org['name']}", status=200)
    assert dataset["title"] in response.body


def test_sysadmin_pages(app):
    sysadmin = factories.SysadminWithToken()
    app.get("/ckan-admin/", headers={"Authorization": sysadmin["token"]}, status=200)


def test_start_up_accepts_a_utf8_ctype_database(ckan_config):
    backend.check_database(ckan_config)  # the test database is C.UTF-8


class _FakeDatabase:
    """Answers the start-up check's three questions like a C-ctype database."""

    def __init__(self, answers):
        self.answers = list(answers)

    def connect(self):
        return self

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def execute(self, *args, **kwargs):
        answer = self.answers.pop(0)
        return type("R", (), {"scalar": lambda self: answer})()


@pytest.mark.parametrize("answers", [("C", 1, False), ("POSIX", 0)])
def test_start_up_refuses_a_database_that_cannot_split_thai(monkeypatch, ckan_config, answers):
    monkeypatch.setattr(model.meta, "engine", _FakeDatabase(answers))
    with pytest.raises(backend.DatabaseLocaleError) as error:
        backend.check_database(ckan_config)
    assert "--lc-ctype=C.UTF-8" in str(error.value)


def test_start_up_check_can_only_log(monkeypatch, ckan_config, caplog):
    monkeypatch.setattr(model.meta, "engine", _FakeDatabase(("C", 1, False)))
    monkeypatch.setitem(ckan_config, "ckanext.opdc_kpi.search.require_utf8_ctype", False)
    monkeypatch.setattr(backend.log, "disabled", False)  # logging's fileConfig disables it
    backend.check_database(ckan_config)
    assert "cannot split Thai" in caplog.text


def test_migration_fills_facets_of_rows_indexed_before_it(migrate_db_for):
    dataset = _dataset(title="Before the facets column", tag_string="alpha,beta",
                       groups=[{"name": factories.Group()["name"]}])

    def facets():
        return model.Session.execute(sa.text(
            "SELECT facets FROM opdc_kpi_search WHERE id = :i"), {"i": dataset["id"]}).scalar()

    written = facets()
    assert "tags\x1falpha" in written and "capacity\x1fpublic" in written
    model.Session.commit()
    model.Session.remove()
    migrate_db_for("opdc_kpi", "a1c3e5f70001", forward=False)  # before the facets column
    migrate_db_for("opdc_kpi")
    assert facets() == written
    assert helpers.call_action("package_search", q="facets", **{
        "facet.field": ["tags"]})["facets"]["tags"] == {"alpha": 1, "beta": 1}
