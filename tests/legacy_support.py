"""Legacy data for tests: datasets as they are stored on sites that ran before
this schema (the older agency extension, ckanext-thai_gdc, or plain CKAN),
written behind validation's back.

    from tests.legacy_support import store_behind_validation, LEGACY

    store_behind_validation(pkg_id, remove=["data_source"], set_=LEGACY,
                            drop_focus_tag=True)

No module-level CKAN import: collected with the pure tests too.
"""
from __future__ import annotations

from typing import Any, Iterable, Optional

#: dataset fields kept in columns of the package table (not extras)
CORE_COLUMNS = frozenset({"maintainer", "maintainer_email", "license_id", "notes", "title"})

#: values this schema refuses but agency catalogs hold
LEGACY = {
    "data_category": "ข้อมูลเปิด",                  # not a listed value
    "objective": "แผนงานเดิม",                       # plain text, not a JSON list
    "update_frequency_interval": "ทุกปี",
    "kpi_years": "ปีงบ 65",
    "created_date": "31 ธันวาคม 2566",
    "legacy_only_field": "ค่าจากระบบเดิม",           # not in the schema at all
}

#: the items this schema added to the agency extension's: a dataset saved by
#: the older extension has none of them (the focus area is a vocabulary tag)
NEW_ITEMS = ("kpi_years", "mission", "work_process", "single_source_of_truth",
             "use_case_url", "use_case_description")


def store_behind_validation(pkg_id: str, remove: Iterable[str] = (),
                            set_: Optional[dict[str, Any]] = None,
                            drop_focus_tag: bool = False, reindex: bool = True) -> None:
    """Change a stored dataset as validation never would: ``remove`` items
    (extras dropped, core columns blanked), ``set_`` extras to raw strings,
    ``drop_focus_tag`` its focus-area tag; commit, and send it to the search
    index again unless ``reindex`` is false."""
    from ckan import model
    from ckan.lib import search

    pkg = model.Package.get(pkg_id)
    remove = set(remove)
    for field in remove & CORE_COLUMNS:
        setattr(pkg, field, None)
    extras = {k: v for k, v in pkg.extras.items() if k not in remove}
    extras.update(set_ or {})
    pkg.extras = extras
    if drop_focus_tag:
        for package_tag in list(pkg.package_tags):
            if package_tag.tag.vocabulary_id:
                package_tag.state = "deleted"
    model.repo.commit()
    if reindex:
        search.rebuild(pkg.id)
