"""The KPI benchmark's catalog, seeded by bulk SQL at one of two scales:
20,000 datasets in 200 organizations (the first holding 2,000) or, the
national scale, 200,000 in 2,000 (the first holding 10,000). Streamed in
chunks, so the seed's memory does not grow with the catalog. The 20,000
catalog is the same, dataset for dataset, as before the scales existed."""
from __future__ import annotations

import copy
import dataclasses
import importlib
import json
import random
import sys
import time
import uuid

NAMESPACE = uuid.UUID("0c6b7a8e-3d51-4a1f-9b0e-00000000b2b2")
RESOURCES_PER_DATASET = 3
FISCAL_YEAR = 2565
FOCUS = ["economy", "agriculture", "tourism", "income-employment", "welfare-equality", "health",
         "education", "environment", "public-administration", "security"]
FORMATS = [("CSV", 40), ("XLSX", 25), ("PDF", 15), ("JSON", 8), ("XLS", 7), ("SHP", 5)]
CATEGORIES = [("ข้อมูลสาธารณะ", 70), ("ข้อมูลใช้ภายใน", 15), ("ข้อมูลส่วนบุคคล", 10),
              ("ข้อมูลความลับทางราชการ", 5)]
CHUNK = 5000


@dataclasses.dataclass(frozen=True)
class Scale:
    datasets: int
    organizations: int
    big_org: int            # datasets of the first organization

    def owner_of(self, n: int) -> int:
        """Organization number of dataset n: the first holds ``big_org``, the
        others share the rest evenly."""
        if n < self.big_org:
            return 0
        return 1 + (n - self.big_org) % (self.organizations - 1)

    def dataset_name(self, n: int) -> str:
        return f"bench-dataset-{n:0{max(5, len(str(self.datasets - 1)))}d}"

    def org_name(self, n: int) -> str:
        return f"bench-org-{n:0{max(3, len(str(self.organizations - 1)))}d}"


SCALES = {20000: Scale(20000, 200, 2000), 200000: Scale(200000, 2000, 10000)}


def ident(kind: str, n: int) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{kind}-{n}"))


def _weighted(rng: random.Random, pairs):
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def rows(connection, sql: str, **params) -> list[dict]:
    import sqlalchemy as sa

    return [dict(r._mapping) for r in connection.execute(sa.text(sql), params)]


def _insert(cursor, table: str, values_rows: list[dict], jsonb: set[str]) -> None:
    from psycopg2.extras import Json, execute_values

    if not values_rows:
        return
    columns = list(values_rows[0])
    values = [[Json(r[c]) if c in jsonb and r[c] is not None else r[c] for c in columns]
              for r in values_rows]
    execute_values(cursor, f'INSERT INTO {table} ({", ".join(columns)}) VALUES %s', values,
                   page_size=1000)


def _templates(root) -> dict:
    """One organization and one dataset through the actions (the DGA schema
    decides how they are stored): their rows, the copies' models."""
    import ckan.model as model
    import ckan.plugins.toolkit as tk

    sys.path.insert(0, str(root))
    from tests.factories_dga import dga_dataset_dict

    model.repo.delete_all()
    # delete_all empties the focus-area vocabulary its migration made: again
    vocabulary = importlib.import_module("ckanext.opdc_kpi.migration.opdc_kpi.versions."
                                         "d5e6f7a80001_focus_area_vocabulary")
    with model.meta.engine.begin() as connection:
        vocabulary.create(connection)
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    context = {"user": site_user["name"], "ignore_auth": True}
    org = tk.get_action("organization_create")(dict(context), {
        "name": "bench-template-org", "title": "หน่วยงานต้นแบบ",
        "focus_areas": ["tourism", "health"], "catalog_url": "https://catalog.example.go.th"})
    template = tk.get_action("package_create")(dict(context), dga_dataset_dict(
        name="bench-template", owner_org=org["id"], mission="ภารกิจ", work_process="กระบวนการ",
        resources=[{"name": f"r{i}", "url": f"https://data.example.go.th/{i}.csv",
                    "format": "CSV"} for i in range(RESOURCES_PER_DATASET)]))
    with model.meta.engine.connect() as connection:
        out = {
            "org_id": org["id"], "package_id": template["id"],
            "group": rows(connection, 'SELECT * FROM "group" WHERE id = :id', id=org["id"])[0],
            "package": rows(connection, "SELECT * FROM package WHERE id = :id",
                            id=template["id"])[0],
            "resources": rows(connection, "SELECT * FROM resource WHERE package_id = :id "
                              "ORDER BY position", id=template["id"]),
            "tags": rows(connection, "SELECT * FROM package_tag WHERE package_id = :id",
                         id=template["id"]),
            "jsonb": {r["column_name"] for r in rows(
                connection, "SELECT column_name FROM information_schema.columns "
                "WHERE table_name IN ('package', 'group', 'resource') "
                "AND data_type = 'jsonb'")},
            "focus_tags": {code: connection.execute(__import__("sqlalchemy").text(
                "SELECT t.id FROM tag t JOIN vocabulary v ON v.id = t.vocabulary_id "
                "WHERE t.name = :n AND v.name = 'opdc_focus_areas'"), {"n": code}).scalar()
                for code in FOCUS},
        }
    return out


def _dataset(n: int, scale: Scale, rng: random.Random, t: dict, org_focus: dict):
    """Dataset n's package row, resource rows and tag rows."""
    org_id = ident("org", scale.owner_of(n))
    row = copy.deepcopy(t["package"])
    extras = dict(row["extras"] or {})
    category = _weighted(rng, CATEGORIES)
    extras["data_category"] = category
    roll = rng.random()
    extras["kpi_years"] = json.dumps([FISCAL_YEAR] if roll < 0.75 else
                                     [FISCAL_YEAR - 1, FISCAL_YEAR] if roll < 0.85 else
                                     [FISCAL_YEAR + 1])
    if rng.random() < 0.1:  # made before the schema: an item missing
        extras.pop(rng.choice(["geo_coverage", "data_source", "objective"]), None)
    if rng.random() < 0.2:
        extras["single_source_of_truth"] = "True"
    if rng.random() < 0.05:
        extras["use_case_url"] = f"https://report.example.go.th/{n}"
        extras["use_case_description"] = "ใช้ประกอบการตัดสินใจเชิงนโยบาย"
    focus = rng.choice(org_focus[org_id]) if rng.random() < 0.9 else rng.choice(FOCUS)
    row.update(id=ident("pkg", n), name=scale.dataset_name(n),
               title=f"ชุดข้อมูลทดสอบที่ {n + 1}", owner_org=org_id,
               private=rng.random() < 0.1, extras=extras,
               license_id="Open Data Common" if category == "ข้อมูลสาธารณะ"
               else "License not specified")
    resources = []
    for i, template_resource in enumerate(t["resources"]):
        res = copy.deepcopy(template_resource)
        fmt = _weighted(rng, FORMATS)
        res.update(id=ident(f"res{i}", n), package_id=row["id"], format=fmt,
                   url=f"https://data.example.go.th/{n}/{i}.{fmt.lower()}")
        resources.append(res)
    focus_tag_ids = set(t["focus_tags"].values())
    tags = []
    for template_tag in t["tags"]:
        tag = copy.deepcopy(template_tag)
        if tag["tag_id"] in focus_tag_ids:
            tag["tag_id"] = t["focus_tags"][focus]
        tag.update(id=str(uuid.uuid5(NAMESPACE, f"pt-{n}-{tag['tag_id']}")),
                   package_id=row["id"])
        tags.append(tag)
    return row, resources, tags


def seed(scale: Scale, root, echo) -> None:
    """Empty the database, then the scale's organizations and datasets."""
    import sqlalchemy as sa

    import ckan.model as model

    started = time.perf_counter()
    t = _templates(root)
    rng = random.Random(20261124)
    groups = []
    for n in range(scale.organizations):
        row = copy.deepcopy(t["group"])
        extras = dict(row["extras"] or {})
        extras["focus_areas"] = json.dumps(rng.sample(FOCUS, rng.randint(1, 3)))
        if n % 10 == 9:
            extras.pop("catalog_url", None)
        row.update(id=ident("org", n), name=scale.org_name(n),
                   title=f"หน่วยงานทดสอบที่ {n + 1}", extras=extras)
        groups.append(row)
    org_focus = {g["id"]: json.loads(g["extras"]["focus_areas"]) for g in groups}
    raw = model.meta.engine.raw_connection()
    try:
        cursor = raw.cursor()
        template_id, org_id = t["package_id"], t["org_id"]
        for table, column in (("package_tag", "package_id"), ("resource", "package_id"),
                              ("opdc_kpi_search", "id")):
            cursor.execute(f"DELETE FROM {table} WHERE {column} = %s", (template_id,))
        for table in ("activity", "package_member", "member"):
            try:
                cursor.execute("SAVEPOINT s")
                column = "object_id" if table == "activity" else "table_id"
                cursor.execute(f"DELETE FROM {table} WHERE {column} = %s", (template_id,))
            except Exception:  # a table absent on this site
                cursor.execute("ROLLBACK TO SAVEPOINT s")
        cursor.execute("DELETE FROM package WHERE id = %s", (template_id,))
        cursor.execute('DELETE FROM member WHERE group_id = %s', (org_id,))
        cursor.execute('DELETE FROM "group" WHERE id = %s', (org_id,))
        cursor.execute("DELETE FROM opdc_kpi_figures")
        _insert(cursor, '"group"', groups, t["jsonb"])
        n_resources = 0
        for start in range(0, scale.datasets, CHUNK):
            packages, resources, tags = [], [], []
            for n in range(start, min(start + CHUNK, scale.datasets)):
                row, res, tag = _dataset(n, scale, rng, t, org_focus)
                packages.append(row)
                resources.extend(res)
                tags.extend(tag)
            _insert(cursor, "package", packages, t["jsonb"])
            _insert(cursor, "resource", resources, t["jsonb"])
            _insert(cursor, "package_tag", tags, t["jsonb"])
            n_resources += len(resources)
            if start and start % 50000 == 0:
                echo(f"  {start:,} datasets ...")
        raw.commit()
    finally:
        raw.close()
    with model.meta.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
        for table in ("package", '"group"', "resource", "package_tag", "tag"):
            c.execute(sa.text(f"VACUUM ANALYZE {table}"))
    echo(f"seeded {scale.organizations} organizations, {scale.datasets} datasets, "
         f"{n_resources} resources in {time.perf_counter() - started:.0f} s")
