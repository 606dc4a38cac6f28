"""Seed N datasets for the search benchmark by bulk SQL.

Each dataset is generated as the two dicts CKAN hands to the search index
(``package_show`` without validation, extras as strings, and the validated
scheming dict with the DGA fields at the top level), shaped like the DGA
catalog's datasets (Thai titles and notes, 1-4 resources, free tags, a
focus-area vocabulary tag, 150 organizations of very different sizes).
The search rows come from the extension's own ``index.build_row()``, i.e.
exactly what indexing writes for such a dataset; only the round trip
through ``package_show`` is skipped. CKAN's tables (package, group, member,
tag, package_tag, resource, vocabulary) get the same datasets so the catalog
is consistent (pages, ``search-index rebuild``), also by bulk SQL.
"""
from __future__ import annotations

import datetime as dt
import json
import random
import uuid
from typing import Any, Iterator

NAMESPACE = uuid.UUID("6f1c1f7e-5b7e-4a53-9d0a-000000be4c40")
FISHERY = "ประมงพื้นบ้าน"  # the Thai query term: in ~2% of the datasets
FISHERY_EVERY = 50

PREFIXES = ["ข้อมูล", "สถิติ", "ชุดข้อมูล", "รายงาน", "ทะเบียน", "บัญชี"]
TOPICS = [
    "การท่องเที่ยว", "จำนวนนักท่องเที่ยว", "ผลผลิตข้าว", "ราคาสินค้าเกษตร", "แรงงานนอกระบบ",
    "ผู้มีรายได้น้อย", "สถานพยาบาล", "ผู้ป่วยโรคเบาหวาน", "โรงเรียนขนาดเล็ก",
    "นักเรียนทุนการศึกษา", "คุณภาพอากาศ", "ปริมาณน้ำฝน", "ขยะมูลฝอย", "งบประมาณรายจ่าย",
    "การจัดซื้อจัดจ้าง", "อุบัติเหตุทางถนน", "คดีอาญา", "ผู้สูงอายุ", "คนพิการ",
    "สวัสดิการแห่งรัฐ", "วิสาหกิจชุมชน", "ผู้ประกอบการเอสเอ็มอี", "มูลค่าการส่งออก",
    "การใช้พลังงานไฟฟ้า", "พื้นที่ป่าไม้", "แหล่งน้ำชุมชน", "ที่ดินทำกิน", "ประชากร",
    "การเกิดและการตาย", "ทะเบียนราษฎร", "ภาษีอากร", "หนี้ครัวเรือน", "ราคาที่อยู่อาศัย",
    "การขนส่งสาธารณะ", "ผู้ใช้อินเทอร์เน็ต", "ภัยพิบัติ", "การร้องเรียน", "บุคลากรภาครัฐ",
    "โครงการพัฒนาชุมชน", "ผลการสอบ",
]
MEASURES = ["รายจังหวัด", "รายเดือน", "รายปี", "รายอำเภอ", "จำแนกตามเพศ",
            "จำแนกตามอายุ", "ทั่วประเทศ", "รายภาค", "รายไตรมาส"]
SENTENCES = [
    "ใช้สำหรับการวางแผนและติดตามผลการดำเนินงานของหน่วยงาน",
    "ปรับปรุงข้อมูลตามรอบการจัดเก็บของหน่วยงานเจ้าของข้อมูล",
    "ข้อมูลได้รับการตรวจสอบความถูกต้องก่อนเผยแพร่",
    "สามารถนำไปใช้วิเคราะห์แนวโน้มและเปรียบเทียบระหว่างพื้นที่",
    "รวบรวมจากระบบสารสนเทศของหน่วยงานและหน่วยงานในสังกัด",
    "Data are published under the agency's open data policy.",
    "หน่วยนับเป็นราย และร้อยละตามที่ระบุในคำอธิบายตาราง",
]
ORG_KINDS = ["กรม", "สำนักงาน", "การ", "สถาบัน", "องค์การ"]
ORG_WORDS = ["การท่องเที่ยว", "ส่งเสริมการเกษตร", "ควบคุมมลพิษ", "สถิติแห่งชาติ", "การจัดหางาน",
             "พัฒนาชุมชน", "ทางหลวง", "ทรัพยากรน้ำ", "อุทยานแห่งชาติ", "อนามัย", "สรรพากร",
             "ส่งเสริมการลงทุน", "พัฒนาฝีมือแรงงาน", "การปกครอง", "ป้องกันและบรรเทาสาธารณภัย"]
TAG_WORDS = ["ท่องเที่ยว", "เกษตร", "สุขภาพ", "การศึกษา", "แรงงาน", "สิ่งแวดล้อม", "งบประมาณ",
             "จังหวัด", "สถิติ", "ประชากร", "น้ำ", "ป่าไม้", "พลังงาน", "ขนส่ง", "ภาษี", "สวัสดิการ",
             "tourism", "agriculture", "health", "education", "labour", "environment", "budget",
             "open-data", "statistics", "covid-19", "gis", "finance", "energy", "transport"]
FORMATS = [("CSV", 40), ("XLSX", 25), ("PDF", 15), ("JSON", 8), ("API", 5), ("XML", 4), ("SHP", 3)]
CATEGORIES = [("ข้อมูลสาธารณะ", 70), ("ข้อมูลใช้ภายใน", 15), ("ข้อมูลส่วนบุคคล", 10),
              ("ข้อมูลความลับทางราชการ", 5)]
LICENSES = [("Open Data Common", 45), ("Creative Commons Attributions", 30),
            ("cc-by", 10), ("License not specified", 15)]
FOCUS_AREAS = ["economy", "agriculture", "tourism", "income-employment", "welfare-equality",
               "health", "education", "environment", "public-administration", "security"]
GROUP_NAMES = [f"group-{n:02d}" for n in range(1, 13)]
N_ORGS = 150


def _id(kind: str, n: int) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{kind}-{n}"))


def _weighted(rng: random.Random, pairs: list[tuple[str, int]]) -> str:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def organizations() -> list[dict[str, Any]]:
    out = []
    for n in range(N_ORGS):
        name = f"bench-org-{n:03d}"
        title = f"{ORG_KINDS[n % len(ORG_KINDS)]}{ORG_WORDS[n % len(ORG_WORDS)]} {n:03d}"
        out.append({"id": _id("org", n), "name": name, "title": title})
    return out


def groups() -> list[dict[str, Any]]:
    return [{"id": _id("group", n), "name": name, "title": f"กลุ่มข้อมูล {name}"}
            for n, name in enumerate(GROUP_NAMES)]


def tags() -> list[str]:
    words = list(TAG_WORDS)
    words += [f"{w}-{n}" for n in range(1, 13) for w in TAG_WORDS]  # 390 tags, a long tail
    return words


def _org_weights() -> list[float]:
    # very different sizes: a few agencies publish most of the catalog
    return [1.0 / (rank + 3) ** 0.9 for rank in range(N_ORGS)]


def datasets(count: int, seed: int = 20261124) -> Iterator[tuple[dict, dict, list[str]]]:
    """``(pkg_dict, validated_dict, permission_labels)`` for ``count`` datasets."""
    rng = random.Random(seed)
    orgs = organizations()
    grps = groups()
    tag_pool = tags()
    tag_weights = [1.0 / (i + 1) ** 0.8 for i in range(len(tag_pool))]
    org_weights = _org_weights()
    start = dt.datetime(2019, 1, 1)
    span = (dt.datetime(2025, 12, 31) - start).total_seconds()
    for n in range(count):
        org = rng.choices(orgs, weights=org_weights)[0]
        topic = rng.choice(TOPICS)
        measure = rng.choice(MEASURES)
        year = rng.randint(2560, 2568)
        title = f"{rng.choice(PREFIXES)}{topic}{measure} พ.ศ. {year}"
        notes = f"ชุดข้อมูล{topic}{measure} จัดทำโดย{org['title']} " + " ".join(
            rng.sample(SENTENCES, rng.randint(2, 4)))
        if n % FISHERY_EVERY == 0:
            if n % (FISHERY_EVERY * 5) < FISHERY_EVERY * 3:
                title = f"{rng.choice(PREFIXES)}{FISHERY}{measure} พ.ศ. {year}"
            else:
                notes += f" รวมถึงข้อมูลชาวประมงและ{FISHERY}ในพื้นที่ชายฝั่ง"
        created = start + dt.timedelta(seconds=rng.random() * span)
        modified = created + dt.timedelta(seconds=rng.random() * 86400 * 400)
        private = rng.random() < 0.10
        state = "draft" if rng.random() < 0.01 else "active"
        dataset_id = _id("dataset", n)
        name = f"bench-dataset-{n:05d}"
        chosen_tags = sorted(set(rng.choices(tag_pool, weights=tag_weights, k=rng.randint(2, 6))))
        focus = FOCUS_AREAS[rng.randrange(len(FOCUS_AREAS))]
        roll = rng.random()
        chosen_groups = [] if roll < 0.5 else rng.sample(grps, 1 if roll < 0.9 else 2)
        resources = []
        for position in range(rng.randint(1, 4)):
            fmt = _weighted(rng, FORMATS)
            resource_id = _id("resource", n * 10 + position)
            resources.append({
                "id": resource_id, "package_id": dataset_id, "position": position,
                "name": f"{topic} {year} ส่วนที่ {position + 1}",
                "description": f"ไฟล์{fmt}ของ{topic}{measure}",
                "format": fmt, "url": f"https://data.example.go.th/{name}/{position}.{fmt.lower()}",
                "url_type": None, "state": "active", "created": created.isoformat(),
                "last_modified": None, "metadata_modified": modified.isoformat(),
                "mimetype": None, "mimetype_inner": None, "size": None, "hash": "",
                "cache_url": None, "cache_last_updated": None, "resource_type": None,
                "datastore_active": False,
            })
        dga = {
            "data_type": rng.choice(["ข้อมูลสถิติ", "ข้อมูลระเบียน", "ข้อมูลภูมิสารสนเทศเชิงพื้นที่",
                                     "ข้อมูลหลากหลายประเภท"]),
            "objective": rng.sample(["พันธกิจหน่วยงาน", "ยุทธศาสตร์ชาติ", "แผนพัฒนาเศรษฐกิจและสังคมแห่งชาติ",
                                     "กฎหมายที่เกี่ยวข้อง"], rng.randint(1, 2)),
            "update_frequency_unit": rng.choice(["ปี", "ไตรมาส", "เดือน", "วัน"]),
            "update_frequency_interval": str(rng.randint(1, 3)),
            "geo_coverage": rng.choice(["ประเทศ", "ภาค", "จังหวัด", "อำเภอ"]),
            "data_source": org["title"],
            "data_format": sorted({r["format"] for r in resources}),
            "data_category": _weighted(rng, CATEGORIES),
            "data_classification": rng.choice(["เปิดเผย", "ใช้ภายใน", "ลับ"]),
            "allow_harvest": "True" if rng.random() < 0.85 else "False",
            "data_language": ["ไทย"],
            "created_date": created.date().isoformat(),
            "last_updated_date": modified.date().isoformat(),
            "kpi_years": [year] if rng.random() < 0.4 else [],
            "mission": f"ภารกิจด้าน{topic}",
            "work_process": f"จัดทำ{topic}{measure}",
            "high_value_dataset": rng.choice(["True", "False"]),
            "official_statistics": rng.choice(["True", "False"]),
        }
        license_id = _weighted(rng, LICENSES)
        tag_dicts = [{"id": _id("tag", tag_pool.index(t)), "name": t, "display_name": t,
                      "state": "active", "vocabulary_id": None} for t in chosen_tags]
        focus_tag = {"id": _id("focus", FOCUS_AREAS.index(focus)), "name": focus,
                     "display_name": focus, "state": "active",
                     "vocabulary_id": _id("vocabulary", 0)}
        organization = {
            "id": org["id"], "name": org["name"], "title": org["title"], "type": "organization",
            "description": "", "image_url": "", "created": "2019-01-01T00:00:00",
            "is_organization": True, "approval_status": "approved", "state": "active",
        }
        group_dicts = [{"id": g["id"], "name": g["name"], "title": g["title"],
                        "display_name": g["title"], "description": "",
                        "image_display_url": ""} for g in chosen_groups]
        core = {
            "id": dataset_id, "name": name, "title": title, "notes": notes,
            "author": None, "author_email": None,
            "maintainer": f"กลุ่มงานข้อมูล {org['title']}",
            "maintainer_email": f"data{n % 997}@example.go.th",
            "license_id": license_id, "license_title": license_id,
            "url": "", "version": None, "state": state, "type": "dataset",
            "owner_org": org["id"], "private": private,
            "creator_user_id": _id("user", 0),
            "metadata_created": created.isoformat(), "metadata_modified": modified.isoformat(),
            "num_resources": len(resources), "num_tags": len(chosen_tags) + 1,
            "isopen": license_id != "License not specified",
            "organization": organization, "groups": group_dicts,
            "resources": resources, "tags": tag_dicts + [focus_tag],
            "relationships_as_object": [], "relationships_as_subject": [],
        }
        pkg_dict = dict(core)
        pkg_dict["extras"] = [
            {"key": key, "value": value if isinstance(value, str) else json.dumps(
                value, ensure_ascii=False)}
            for key, value in sorted(dga.items())
        ]
        validated = dict(core)
        validated.update(dga)
        validated["focus_area"] = focus
        validated["tag_string"] = ",".join(chosen_tags)
        labels = ["public"] if state == "active" and not private else [f"member-{org['id']}"]
        yield pkg_dict, validated, labels


def vocabulary() -> dict[str, str]:
    return {_id("vocabulary", 0): "opdc_focus_areas"}


# -- bulk load ---------------------------------------------------------------
SEARCH_COLUMNS = ["id", "name", "title_sort", "owner_org", "dataset_type", "state", "private",
                  "metadata_created", "metadata_modified", "metadata_modified_text",
                  "permission_labels", "fields", "doc", "title_text", "tag_text", "search_text",
                  "field_text", "data_dict", "validated_data_dict", "facets"]
JSONB_COLUMNS = {"fields", "doc", "field_text"}


def _extras_in_columns(cursor) -> bool:
    """CKAN 2.12 keeps a dataset's and a group's extras in an ``extras``
    column; 2.11 in the ``package_extra`` and ``group_extra`` tables."""
    cursor.execute("SELECT 1 FROM information_schema.columns WHERE table_schema = "
                   "current_schema() AND table_name = 'package' AND column_name = 'extras'")
    return cursor.fetchone() is not None


def clear(cursor) -> None:
    """Remove a previous seed (in the benchmark's own database: the search
    table is emptied with TRUNCATE, so the new rows are not mixed with dead
    ones)."""
    cursor.execute("TRUNCATE opdc_kpi_search")
    if not _extras_in_columns(cursor):
        cursor.execute("DELETE FROM package_extra WHERE package_id IN "
                       "(SELECT id FROM package WHERE name LIKE 'bench-dataset-%%')")
    cursor.execute("DELETE FROM resource WHERE package_id IN "
                   "(SELECT id FROM package WHERE name LIKE 'bench-dataset-%%')")
    cursor.execute("DELETE FROM member WHERE table_name = 'package' AND table_id IN "
                   "(SELECT id FROM package WHERE name LIKE 'bench-dataset-%%')")
    cursor.execute("DELETE FROM package_tag WHERE package_id IN "
                   "(SELECT id FROM package WHERE name LIKE 'bench-dataset-%%')")
    cursor.execute("DELETE FROM package WHERE name LIKE 'bench-dataset-%%'")


def load(connection, count: int, build_row, echo=print, batch: int = 1000,
         items=None) -> None:
    """Write ``count`` datasets to CKAN's tables and the search table.

    ``connection`` is a psycopg2 connection; ``build_row`` is
    ``ckanext.opdc_kpi.search.index.build_row`` (called inside a CKAN app);
    ``items``: the ``datasets(count)`` to write, when the caller changed some
    (the Thai recall test gives some datasets the differential test's titles)."""
    from psycopg2.extras import Json, execute_values

    cursor = connection.cursor()
    clear(cursor)
    in_columns = _extras_in_columns(cursor)
    now = dt.datetime(2026, 1, 1)
    user_id = _id("user", 0)
    cursor.execute(
        "INSERT INTO \"user\" (id, name, fullname, email, created, sysadmin, state, password) "
        "VALUES (%s, 'bench-admin', 'Bench admin', 'bench@example.go.th', %s, true, 'active', '')"
        " ON CONFLICT (id) DO NOTHING", (user_id, now))
    no_extras = (Json({}),) if in_columns else ()
    execute_values(cursor,
        "INSERT INTO \"group\" (id, name, title, description, created, state, type, "
        "approval_status, image_url, is_organization" + (", extras" if in_columns else "")
        + ") VALUES %s ON CONFLICT (id) DO NOTHING",
        [(o["id"], o["name"], o["title"], "", now, "active", "organization", "approved", "",
          True) + no_extras for o in organizations()]
        + [(g["id"], g["name"], g["title"], "", now, "active", "group", "approved", "",
            False) + no_extras for g in groups()])
    vocab_id, vocab_name = next(iter(vocabulary().items()))
    # the extension's migration made the focus-area vocabulary with another id (a new
    # database): the seed's takes its place, so its datasets' tags point at it
    for statement in (
            "DELETE FROM package_tag WHERE tag_id IN (SELECT t.id FROM tag t JOIN vocabulary v"
            " ON t.vocabulary_id = v.id WHERE v.name = %s AND v.id <> %s)",
            "DELETE FROM tag WHERE vocabulary_id IN"
            " (SELECT id FROM vocabulary WHERE name = %s AND id <> %s)",
            "DELETE FROM vocabulary WHERE name = %s AND id <> %s"):
        cursor.execute(statement, (vocab_name, vocab_id))
    cursor.execute("INSERT INTO vocabulary (id, name) VALUES (%s, %s) ON CONFLICT DO NOTHING",
                   (vocab_id, vocab_name))
    execute_values(cursor,
        "INSERT INTO tag (id, name, vocabulary_id) VALUES %s ON CONFLICT DO NOTHING",
        [(_id("tag", i), t, None) for i, t in enumerate(tags())]
        + [(_id("focus", i), f, vocab_id) for i, f in enumerate(FOCUS_AREAS)])

    rows, packages, resources, members, package_tags, package_extras = [], [], [], [], [], []
    done = 0

    def flush() -> None:
        execute_values(cursor,
            "INSERT INTO package (id, name, title, notes, maintainer, maintainer_email, state, "
            "license_id, type, owner_org, private, metadata_created, metadata_modified, "
            "creator_user_id, url" + (", extras" if in_columns else "") + ") VALUES %s",
            packages)
        if package_extras:  # CKAN 2.11
            execute_values(cursor,
                "INSERT INTO package_extra (id, package_id, key, value, state) VALUES %s",
                package_extras)
        execute_values(cursor,
            "INSERT INTO resource (id, package_id, url, format, description, name, position, "
            "state, created, metadata_modified, extras) VALUES %s", resources)
        if members:
            execute_values(cursor,
                "INSERT INTO member (id, group_id, table_id, state, table_name, capacity) "
                "VALUES %s", members)
        execute_values(cursor,
            "INSERT INTO package_tag (id, package_id, tag_id, state) VALUES %s", package_tags)
        template = "(" + ", ".join(
            "%s::jsonb" if c in JSONB_COLUMNS else "%s" for c in SEARCH_COLUMNS) + ")"
        execute_values(cursor,
            f"INSERT INTO opdc_kpi_search ({', '.join(SEARCH_COLUMNS)}) VALUES %s",
            [tuple(json.dumps(r[c], ensure_ascii=False) if c in JSONB_COLUMNS else r[c]
                   for c in SEARCH_COLUMNS) for r in rows],
            template=template)
        for batch_list in (rows, packages, resources, members, package_tags, package_extras):
            batch_list.clear()

    vocabularies = vocabulary()
    for pkg_dict, validated, labels in (datasets(count) if items is None else items):
        rows.append(build_row(pkg_dict, validated, labels, vocabularies))
        extras = {e["key"]: e["value"] for e in pkg_dict["extras"]}
        packages.append((
            pkg_dict["id"], pkg_dict["name"], pkg_dict["title"], pkg_dict["notes"],
            pkg_dict["maintainer"], pkg_dict["maintainer_email"], pkg_dict["state"],
            pkg_dict["license_id"], "dataset", pkg_dict["owner_org"], pkg_dict["private"],
            pkg_dict["metadata_created"], pkg_dict["metadata_modified"], user_id, "")
            + ((Json(extras),) if in_columns else ()))
        if not in_columns:
            package_extras.extend(
                (str(uuid.uuid5(NAMESPACE, "extra" + key + pkg_dict["id"])), pkg_dict["id"],
                 key, value, "active") for key, value in extras.items())
        for r in pkg_dict["resources"]:
            resources.append((r["id"], r["package_id"], r["url"], r["format"], r["description"],
                              r["name"], r["position"], "active", r["created"],
                              r["metadata_modified"], "{}"))
        for g in pkg_dict["groups"]:
            members.append((str(uuid.uuid5(NAMESPACE, g["id"] + pkg_dict["id"])), g["id"],
                            pkg_dict["id"], "active", "package", "public"))
        for t in pkg_dict["tags"]:
            package_tags.append((str(uuid.uuid5(NAMESPACE, t["id"] + pkg_dict["id"])),
                                 pkg_dict["id"], t["id"], "active"))
        done += 1
        if len(rows) >= batch:
            flush()
            if done % 10000 == 0:
                echo(f"  seeded {done} datasets")
    if rows:
        flush()
    connection.commit()
