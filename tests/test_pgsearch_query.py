"""package_search over the PostgreSQL search table: q, fq, sort, paging,
facets and visibility, on one small catalog built once for the module
(the tests only read)."""
import datetime as dt

import pytest

import ckan.plugins as plugins
import ckan.plugins.toolkit as tk
from ckan.lib.search.common import SearchQueryError
from ckan.tests import factories, helpers

from ckanext.opdc_kpi.search import index
from tests.pgsearch_support import make_dataset, names, search

# the PostgreSQL search itself: skipped on Solr (tests/conftest.py)
pytestmark = [pytest.mark.pgsearch, pytest.mark.usefixtures("with_plugins")]


@pytest.fixture(scope="module")
def catalog(fresh_db):
    """Three organizations, two groups, eight datasets (one private, one
    draft), with modification times one day apart in creation order."""
    plugins.load_all()
    try:
        fresh_db()
        c = {"sysadmin": factories.Sysadmin(), "member": factories.User(),
             "editor": factories.User(), "stranger": factories.User()}
        c["org_a"] = factories.Organization(name="org-a", title="กรมทดสอบข้อมูล", users=[
            {"name": c["member"]["name"], "capacity": "member"},
            {"name": c["editor"]["name"], "capacity": "editor"}])
        c["org_b"] = factories.Organization(name="org-b", title="Agency B")
        c["org_c"] = factories.Organization(name="org-c", title="Agency Charlie")
        c["group_x"] = factories.Group(name="group-x")
        c["group_y"] = factories.Group(name="group-y")
        A, B, C = c["org_a"]["id"], c["org_b"]["id"], c["org_c"]["id"]
        specs = [
            dict(name="water-quality", title="Water quality of rivers", owner_org=A,
                 notes="Measured monthly", tag_string="water,environment",
                 groups=[{"name": "group-x"}], license_id=CC_BY,
                 resources=[{"url": "https://x.org/w.csv", "format": "CSV"}],
                 focus_area="environment", data_category="ข้อมูลสาธารณะ",
                 allow_harvest="True"),
            dict(name="thai-rainfall", title="สถิติข้อมูลน้ำฝนรายจังหวัด", owner_org=A,
                 tag_string="ฝน", license_id=CC_BY,
                 resources=[{"url": "https://x.org/r.xlsx", "format": "XLSX"}],
                 focus_area="agriculture", data_category="ข้อมูลสาธารณะ",
                 allow_harvest="True"),
            dict(name="thai-tourism", title="จำนวนนักท่องเที่ยว", owner_org=B,
                 notes="รวบรวมข้อมูลการท่องเที่ยวรายเดือน", tag_string="tourism",
                 license_id=UNSPECIFIED,
                 resources=[{"url": "https://x.org/t.csv", "format": "CSV"},
                            {"url": "https://x.org/t.pdf", "format": "PDF"},
                            {"url": "https://x.org/t2.csv", "format": "CSV"}],
                 focus_area="tourism", data_category="ข้อมูลส่วนบุคคล", allow_harvest="False"),
            dict(name="road-accidents", title="Road accidents", owner_org=B,
                 notes="Accident statistics by province", tag_string="transport,water",
                 groups=[{"name": "group-y"}], license_id=CC_BY,
                 resources=[{"url": "https://x.org/a.csv", "format": "CSV"}],
                 focus_area="security", data_category="ข้อมูลสาธารณะ", allow_harvest="True"),
            dict(name="water-supply", title="Water supply plan", owner_org=C,
                 tag_string="water", groups=[{"name": "group-x"}, {"name": "group-y"}],
                 focus_area="environment", allow_harvest="True", license_id=UNSPECIFIED,
                 data_category="ข้อมูลใช้ภายใน"),
            dict(name="budget-secret", title="Budget secret", owner_org=A, private=True,
                 tag_string="budget", focus_area="economy", license_id=CC_BY,
                 data_category="ข้อมูลสาธารณะ", allow_harvest="False"),
            dict(name="draft-plan", title="Draft plan", owner_org=A, state="draft",
                 tag_string="water", user=c["editor"], focus_area="education",
                 license_id=CC_BY, data_category="ข้อมูลสาธารณะ", allow_harvest="True"),
            dict(name="zz-last", title="alpha first by title", owner_org=C,
                 tag_string="misc-tag", focus_area="health", license_id=UNSPECIFIED,
                 data_category="ข้อมูลความมั่นคง", allow_harvest="True"),
        ]
        c["datasets"] = {}
        with pytest.MonkeyPatch.context() as patch:
            # the DGA schema declares these as choice fields; with a schema
            # that lacks them (make_dataset adds them) say so here
            declared = index.choice_fields
            patch.setattr(index, "choice_fields",
                          lambda t: declared(t) | {"data_category", "allow_harvest"})
            for n, spec in enumerate(specs):
                dataset = make_dataset(**spec)
                c["datasets"][spec["name"]] = dataset
                _set_times(dataset["id"], created=dt.datetime(2024, 1, 1 + n, 12),
                           modified=dt.datetime(2024, 3, 1 + n, 12, 0, 0, 500000))
        yield c
    finally:
        plugins.unload_all()


def _set_times(dataset_id, created, modified):
    """Fixed metadata dates, in the dataset and in its search row."""
    import sqlalchemy as sa

    import ckan.model as model

    model.Session.execute(sa.text(
        "UPDATE package SET metadata_created = :c, metadata_modified = :m WHERE id = :i"),
        {"c": created, "m": modified, "i": dataset_id})
    model.Session.execute(sa.text(
        "UPDATE opdc_kpi_search SET metadata_created = :c, metadata_modified = :m, "
        "metadata_modified_text = :t WHERE id = :i"),
        {"c": created, "m": modified, "t": modified.isoformat(), "i": dataset_id})
    model.Session.commit()


CC_BY = "Creative Commons Attributions"
UNSPECIFIED = "License not specified"
PUBLIC = {"water-quality", "thai-rainfall", "thai-tourism", "road-accidents", "water-supply",
          "zz-last"}


def found(**params):
    params.setdefault("rows", 100)
    return set(names(search(**params)))


# -- q ------------------------------------------------------------------------
@pytest.mark.usefixtures("catalog")
class TestQ:
    @pytest.mark.parametrize("q", ["", "*:*", '""', "  "])
    def test_empty_and_match_all(self, q):
        assert found(q=q) == PUBLIC

    def test_every_term_must_match(self):
        assert found(q="water") == {"water-quality", "water-supply", "road-accidents"}
        assert found(q="water rivers") == {"water-quality"}
        assert found(q="water nosuchword") == set()

    def test_terms_match_in_name_notes_tags_and_organization_name(self):
        assert found(q="accidents") == {"road-accidents"}  # name and title
        assert found(q="province") == {"road-accidents"}  # notes
        assert found(q="transport") == {"road-accidents"}  # tag
        assert found(q="org-c") == {"water-supply", "zz-last"}  # organization name
        assert found(q="group-y") == {"road-accidents", "water-supply"}  # group name
        # CKAN's Solr text holds the organization's name, not its title
        assert found(q="charlie") == set()

    def test_a_text_field_of_its_own_searches_its_own_text(self):
        # as Solr's notes, res_name, res_description and urls fields
        assert found(fq="notes:monthly") == {"water-quality"}
        assert found(fq="notes:water") == set()  # in titles and tags, not in notes
        assert found(fq="notes:neutral") == {"thai-rainfall", "water-supply", "zz-last"}
        assert found(fq="notes:* -notes:neutral") == {"water-quality", "thai-tourism",
                                                      "road-accidents"}
        assert found(fq="notes:ข้อมูล") == {"thai-tourism"}  # not the title's
        assert found(fq="urls:x.org") == {"water-quality", "thai-rainfall", "thai-tourism",
                                          "road-accidents"}
        assert found(q="x.org") == set()  # URLs are not in the text
        assert found(fq="-notes:monthly -notes:province") == PUBLIC - {
            "water-quality", "road-accidents"}

    def test_latin_terms_match_from_the_start_of_words(self):
        assert found(q="accid") == {"road-accidents"}
        assert found(q="ccidents") == set()
        assert found(q="iver") == set() and found(q="river") == {"water-quality"}

    def test_thai_term_matches_inside_longer_words(self):
        # ข้อมูล inside สถิติข้อมูลน้ำฝน... and inside the notes รวบรวมข้อมูลการ...
        # (not through the organization's title กรมทดสอบข้อมูล: not in the text)
        assert found(q="ข้อมูล") == {"thai-rainfall", "thai-tourism"}
        assert found(q="น้ำฝน จังหวัด") == {"thai-rainfall"}
        assert found(q="ท่องเที่ยว") == {"thai-tourism"}
        assert found(q="น้ำฝน accidents") == set()

    def test_choice_values_are_not_free_text(self):
        # data_category values are filters, not words of the text
        assert "road-accidents" not in found(q="สาธารณะ")

    def test_case_insensitive(self):
        assert found(q="WATER Quality") == {"water-quality"}

    def test_phrase_and_negation(self):
        assert found(q='"water quality"') == {"water-quality"}
        assert found(q="water -rivers") == {"water-supply", "road-accidents"}

    def test_fielded_terms_as_autocomplete_sends_them(self):
        q = 'name_ngram:"wat" OR title_ngram:"wat" OR name:"wat" OR title:"wat"'
        assert found(q=q) == {"water-quality", "water-supply"}
        assert found(q="tags:transport OR title:supply") == {"road-accidents", "water-supply"}

    def test_package_autocomplete(self):
        result = helpers.call_action("package_autocomplete", q="wat")
        assert {r["name"] for r in result} == {"water-quality", "water-supply"}

    def test_relevance_ranks_title_and_name_matches_first(self):
        # "water" is in both titles and names of two datasets, only a tag of the third
        result = search(q="water", rows=10)
        assert names(result)[-1] == "road-accidents"

    def test_lenient_free_text(self):
        assert found(q="water (rivers") == {"water-quality"}
        assert found(q='water "rivers') == {"water-quality"}


# -- fq -----------------------------------------------------------------------
@pytest.mark.usefixtures("catalog")
class TestFq:
    @pytest.mark.parametrize("fq, expected", [
        ("organization:org-a", {"water-quality", "thai-rainfall"}),
        ('organization:"org-a"', {"water-quality", "thai-rainfall"}),
        ("+organization:org-a", {"water-quality", "thai-rainfall"}),
        ("-organization:org-a", {"thai-tourism", "road-accidents", "water-supply", "zz-last"}),
        ("organization:org-a OR organization:org-c",
         {"water-quality", "thai-rainfall", "water-supply", "zz-last"}),
        ("-organization:org-a -organization:org-b", {"water-supply", "zz-last"}),
        ("organization:(org-a OR org-c) tags:water", {"water-quality", "water-supply"}),
        ("groups:group-x", {"water-quality", "water-supply"}),
        ("groups:group-x OR groups:group-y", {"water-quality", "water-supply", "road-accidents"}),
        ("-groups:group-x", {"thai-rainfall", "thai-tourism", "road-accidents", "zz-last"}),
        ('tags:"ฝน"', {"thai-rainfall"}),
        ("tags:water", {"water-quality", "water-supply", "road-accidents"}),
        ("res_format:PDF", {"thai-tourism"}),
        ("res_format:CSV -res_format:PDF", {"water-quality", "road-accidents"}),
        ('license_id:"License not specified"', {"thai-tourism", "water-supply", "zz-last"}),
        ("name:water-quality", {"water-quality"}),
        ("name:water-*", {"water-quality", "water-supply"}),
        ("dataset_type:dataset", PUBLIC),
        ("type:dataset", PUBLIC),
        ("capacity:public", PUBLIC),
        ('data_category:"ข้อมูลสาธารณะ"', {"water-quality", "thai-rainfall", "road-accidents"}),
        ("data_category:ข้อมูลส่วนบุคคล", {"thai-tourism"}),
        ("allow_harvest:True", PUBLIC - {"thai-tourism"}),
        ("-allow_harvest:False", PUBLIC - {"thai-tourism"}),
        ("vocab_opdc_focus_areas:environment", {"water-quality", "water-supply"}),
        ("focus_area:environment", {"water-quality", "water-supply"}),
        ("focus_area:(tourism OR security)", {"thai-tourism", "road-accidents"}),
        ("num_resources:[2 TO *]", {"thai-tourism"}),
        ("title:rivers", {"water-quality"}),
        ("text:province", {"road-accidents"}),
        ("res_format:*", PUBLIC - {"water-supply", "zz-last"}),
    ])
    def test_filters(self, fq, expected):
        assert found(fq=fq) == expected

    def test_id_and_owner_org_and_creator(self, catalog):
        dataset = catalog["datasets"]["thai-tourism"]
        assert found(fq=f"id:{dataset['id']}") == {"thai-tourism"}
        assert found(fq=f'owner_org:"{catalog["org_b"]["id"]}"') == {
            "thai-tourism", "road-accidents"}
        creator = dataset["creator_user_id"]
        assert "thai-tourism" in found(fq=f"creator_user_id:{creator}")

    def test_parenthesised_states_and_fq_list(self, catalog):
        result = search(user=catalog["sysadmin"], fq="+state:(active OR draft)",
                        include_drafts=True, rows=100)
        assert "draft-plan" in names(result)
        assert found(fq_list=["organization:org-a", "tags:water"]) == {"water-quality"}

    @pytest.mark.parametrize("fq, expected", [
        ("metadata_modified:[2024-03-04T00:00:00Z TO *]", {"road-accidents", "water-supply",
                                                           "zz-last"}),
        # microseconds, as a harvester's incremental run sends them
        ("metadata_modified:[2024-03-04T12:00:00.500000Z TO *]", {"road-accidents",
                                                                  "water-supply", "zz-last"}),
        ("metadata_modified:[2024-03-04T12:00:00.500001Z TO *]", {"water-supply", "zz-last"}),
        ("metadata_modified:{2024-03-04T12:00:00.5Z TO *]", {"water-supply", "zz-last"}),
        ("metadata_modified:[* TO 2024-03-02T23:59:59Z]", {"water-quality", "thai-rainfall"}),
        ("metadata_created:[2024-01-02T00:00:00Z TO 2024-01-03T23:59:59.999Z]",
         {"thai-rainfall", "thai-tourism"}),
        ("metadata_created:[* TO NOW]", PUBLIC),
        ("metadata_modified:[NOW-1DAY TO NOW]", set()),
        ("organization:org-a OR organization:org-b metadata_modified:[2024-03-02T00:00:00Z TO *]",
         {"thai-rainfall", "thai-tourism", "road-accidents"}),
    ])
    def test_date_ranges(self, fq, expected):
        assert found(fq=fq) == expected


# -- sort and paging ----------------------------------------------------------
@pytest.mark.usefixtures("catalog")
class TestSort:
    def test_metadata_sorts(self):
        order = ["water-quality", "thai-rainfall", "thai-tourism", "road-accidents",
                 "water-supply", "zz-last"]
        assert names(search(sort="metadata_modified desc")) == order[::-1]
        assert names(search(sort="metadata_created desc")) == order[::-1]
        assert names(search(sort="metadata_modified asc")) == order

    def test_title_and_name_sorts(self):
        by_title = names(search(sort="title_string asc"))
        assert by_title[:2] == ["zz-last", "road-accidents"]  # case-insensitive
        assert names(search(sort="title_string desc")) == by_title[::-1]
        by_name = names(search(sort="name asc"))
        assert by_name == sorted(PUBLIC)
        assert names(search(sort="name desc")) == sorted(PUBLIC, reverse=True)

    def test_id_asc_and_score(self, catalog):
        ids = [d["id"] for d in search(sort="id asc", rows=100)["results"]]
        assert ids == sorted(ids) and len(ids) == len(PUBLIC)
        assert names(search(q="water", sort="score desc, metadata_modified desc"))[-1] == (
            "road-accidents")

    def test_default_sort_without_q_is_newest_first(self):
        assert names(search())[0] == "zz-last"

    def test_paging_sees_each_dataset_once(self):
        for sort in ("id asc", "metadata_modified desc", "title_string asc", "name desc",
                     "score desc, metadata_modified desc"):
            seen = []
            for start in range(0, 8, 2):
                seen += names(search(rows=2, start=start, sort=sort))
            assert sorted(seen) == sorted(PUBLIC), sort

    def test_rows_and_start(self):
        assert len(search(rows=3)["results"]) == 3
        result = search(rows=3, start=5)
        assert result["count"] == len(PUBLIC) and len(result["results"]) == 1
        assert search(rows=3, start=50)["results"] == []
        assert search(rows=0)["count"] == len(PUBLIC)


# -- facets -------------------------------------------------------------------
@pytest.mark.usefixtures("catalog")
class TestFacets:
    FIELDS = ["organization", "owner_org", "groups", "tags", "res_format", "license_id",
              "data_category", "vocab_opdc_focus_areas", "focus_area"]

    def test_counts_of_every_facet(self, catalog):
        result = search(**{"facet.field": self.FIELDS})
        facets = result["facets"]
        assert facets["organization"] == {"org-a": 2, "org-b": 2, "org-c": 2}
        assert facets["owner_org"][catalog["org_a"]["id"]] == 2
        assert facets["groups"] == {"group-x": 2, "group-y": 2}
        assert facets["tags"]["water"] == 3
        # each dataset counts once, whatever its number of CSV resources
        assert facets["res_format"] == {"CSV": 3, "XLSX": 1, "PDF": 1}
        assert facets["license_id"] == {CC_BY: 3, UNSPECIFIED: 3}
        assert facets["data_category"] == {"ข้อมูลสาธารณะ": 3, "ข้อมูลส่วนบุคคล": 1,
                                           "ข้อมูลใช้ภายใน": 1, "ข้อมูลความมั่นคง": 1}
        assert facets["vocab_opdc_focus_areas"]["environment"] == 2
        assert facets["focus_area"] == facets["vocab_opdc_focus_areas"]
        assert result["count"] == len(PUBLIC)

    def test_search_facets_shape_for_the_templates(self, catalog):
        result = search(**{"facet.field": ["organization", "license_id"], "q": "water"})
        items = result["search_facets"]["organization"]["items"]
        assert {"name": "org-a", "display_name": "กรมทดสอบข้อมูล", "count": 1} in items
        assert result["search_facets"]["organization"]["title"] == "organization"
        licence = result["search_facets"]["license_id"]["items"][0]
        assert set(licence) == {"name", "display_name", "count"}

    def test_facets_follow_the_query_and_filters(self):
        facets = search(q="water", fq="-organization:org-c", **{"facet.field": ["tags"]})["facets"]
        assert facets["tags"] == {"water": 2, "environment": 1, "transport": 1}

    def test_limit_and_mincount(self):
        tags = search(**{"facet.field": ["tags"], "facet.limit": 2})["facets"]["tags"]
        assert list(tags) == ["water", "environment"]  # count desc, then value
        everything = search(**{"facet.field": ["tags"], "facet.limit": -1})["facets"]["tags"]
        assert len(everything) == 6
        frequent = search(**{"facet.field": ["tags"], "facet.mincount": 2})["facets"]["tags"]
        assert frequent == {"water": 3}

    def test_mincount_zero_lists_visible_values_only(self):
        tags = search(q="rivers", **{"facet.field": ["tags"], "facet.mincount": 0,
                                     "facet.limit": -1})["facets"]["tags"]
        assert tags["water"] == 1 and tags["ฝน"] == 0
        assert "budget" not in tags  # a private dataset's tag stays unknown

    def test_facet_on_any_document_field(self):
        facets = search(**{"facet.field": ["allow_harvest", "name"]})["facets"]
        assert facets["allow_harvest"] == {"True": 5, "False": 1}
        assert facets["name"]["zz-last"] == 1

    def test_facet_false(self):
        assert search(facet="false", **{"facet.field": ["tags"]})["facets"] == {}

    def test_organization_and_group_list_counts(self, catalog):
        def counts(action, user=None):
            context = {"user": user["name"] if user else ""}
            listed = tk.get_action(action)(context, {"all_fields": True})
            return {o["name"]: o["package_count"] for o in listed
                    if o["name"] in ("org-a", "org-b", "org-c", "group-x", "group-y")}

        assert counts("organization_list") == {"org-a": 2, "org-b": 2, "org-c": 2}
        # as with Solr, a sysadmin's counts include private datasets
        assert counts("organization_list", catalog["sysadmin"])["org-a"] == 3
        assert counts("group_list") == {"group-x": 2, "group-y": 2}
        shown = tk.get_action("organization_show")({"user": ""}, {"id": "org-a"})
        assert shown["package_count"] == 2
        shown = tk.get_action("organization_show")({"user": catalog["member"]["name"]},
                                                   {"id": "org-a"})
        assert shown["package_count"] == 3


# -- visibility ---------------------------------------------------------------
@pytest.mark.usefixtures("catalog")
class TestVisibility:
    def test_private_needs_include_private_and_a_label(self, catalog):
        def seen(user):
            return set(names(search(user=user, include_private=True, rows=100)))

        assert seen(None) == PUBLIC
        assert seen(catalog["stranger"]) == PUBLIC
        assert seen(catalog["member"]) == PUBLIC | {"budget-secret"}
        assert seen(catalog["sysadmin"]) == PUBLIC | {"budget-secret"}
        assert set(names(search(user=catalog["member"], rows=100))) == PUBLIC

    def test_drafts_for_their_organization_and_sysadmins(self, catalog):
        def seen(user):
            return "draft-plan" in names(search(user=user, include_drafts=True, rows=100))

        assert seen(catalog["editor"]) and seen(catalog["member"]) and seen(catalog["sysadmin"])
        assert not seen(catalog["stranger"]) and not seen(None)
        assert "draft-plan" not in names(search(user=catalog["editor"], rows=100))

    def test_permission_labels_passed_directly(self, catalog):
        from ckan.lib.search import query_for
        import ckan.model as model

        query = query_for(model.Package)
        query.run({"q": "", "fq": "+capacity:private +state:active", "rows": 10},
                  permission_labels=[f"member-{catalog['org_a']['id']}"])
        assert query.results == ["budget-secret"]
        query.run({"q": "", "rows": 10}, permission_labels=["no-such-label"])
        assert query.count == 0

    def test_facet_counts_respect_visibility(self, catalog):
        def org_a(user):
            return search(user=user, include_private=True,
                          **{"facet.field": ["organization"]})["facets"]["organization"]["org-a"]

        assert org_a(None) == 2 and org_a(catalog["member"]) == 3


# -- errors -------------------------------------------------------------------
@pytest.mark.usefixtures("catalog")
class TestErrors:
    @pytest.mark.parametrize("params", [
        {"q": "{!child of=x}y"}, {"q": "title:x {!join from=id to=id}y"},
        {"fq": "{!frange l=1}sum(a,b)"}, {"q": "_val_:1"}, {"q": "_query_:x"},
        {"fq": 'title:"unbalanced'}, {"fq": "(organization:a"},
        {"fq": "metadata_modified:[yesterday TO *]"},
        {"fq": "metadata_modified:[2022-01-01T00:00:00Z TO"},
        {"q": "title:x^2"}, {"q": "title:x~1"},
        {"sort": "nosuchfield asc"}, {"sort": "name"},
        {"bf": "recip(ms(NOW,metadata_modified),1,1,1)"}, {"defType": "func"},
    ])
    def test_unsupported_or_malformed_is_a_search_query_error(self, params):
        with pytest.raises(SearchQueryError):
            helpers.call_action("package_search", **params)

    @pytest.mark.parametrize("params, named", [
        ({"q": "{!lucene}x"}, "local parameters"),
        ({"fq": "_val_:\"sum(1,2)\""}, "_val_"),
        ({"fq": "metadata_modified:[bad TO *]"}, "not a date"),
        ({"fq": 'tags:"x'}, "unbalanced quote"),
    ])
    def test_400_over_the_api_names_the_problem(self, app, params, named):
        response = app.get("/api/3/action/package_search", query_string=params, status=400)
        assert named in response.json["error"]["message"]

    def test_400_on_the_dataset_page(self, app):
        app.get("/dataset/", query_string={"q": "title:x^2"}, status=400)


# -- other searches -----------------------------------------------------------
@pytest.mark.usefixtures("catalog")
class TestOtherSearches:
    def test_resource_search(self):
        result = helpers.call_action("resource_search", query="format:PDF")
        assert result["count"] == 1

    def test_tag_search_and_list(self):
        result = helpers.call_action("tag_search", query="wat")
        assert "water" in {t["name"] for t in result["results"]}
        assert "water" in helpers.call_action("tag_list")
        assert "water" in helpers.call_action("tag_autocomplete", q="wat")

    def test_tag_show_with_datasets(self):
        shown = helpers.call_action("tag_show", id="transport", include_datasets=True)
        assert [d["name"] for d in shown["packages"]] == ["road-accidents"]

    def test_vocabulary_tag_show_with_datasets(self):
        from tests.pgsearch_support import FOCUS_VOCABULARY

        shown = helpers.call_action("tag_show", id="tourism", vocabulary_id=FOCUS_VOCABULARY,
                                    include_datasets=True)
        assert [d["name"] for d in shown["packages"]] == ["thai-tourism"]

    def test_current_package_list_with_resources(self):
        result = helpers.call_action("current_package_list_with_resources", limit=2)
        assert [d["name"] for d in result] == ["zz-last", "water-supply"]

    def test_package_list_and_group_package_show(self):
        assert set(helpers.call_action("package_list")) == PUBLIC
        shown = helpers.call_action("group_package_show", id="group-x")
        assert {d["name"] for d in shown} == {"water-quality", "water-supply"}
