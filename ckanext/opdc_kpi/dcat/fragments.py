"""A catalog page (``/catalog.ttl|rdf|jsonld``) put together from each
dataset's stored serialization, so a page costs its search, not 100 graphs
built and serialized again (~8.5 ms a dataset with rdflib).

Each dataset's triples, as the site's profiles write them for the dataset
alone, are serialized once per format and kept in ``opdc_kpi_dcat_fragment``
with a key: a hash of everything the profiles read for it (the search
result's dataset dict, its organization as it is now, the site's DCAT and
licence configuration, this extension's code, the versions of ckanext-dcat
and rdflib). A page looks its datasets' fragments up by id and key; a
fragment whose key differs (the dataset, its organization, the site or the
code changed) is made again and replaced, so what a page says is what the
profiles would write now. The catalog's own triples and the page links are
made for every page.

The fragments are joined as the format allows, giving the same graph as
ckanext-dcat's ``serialize_catalog`` (a set of triples: a node two datasets
share, such as their publisher, is written in both fragments):

- Turtle: the prefixes go to the top; if two fragments bind one prefix to
  different namespaces, each fragment keeps its own ``@prefix`` lines
  (Turtle allows a prefix to be declared again).
- JSON-LD (expanded, as ckanext-dcat writes it): the node lists are joined.
- RDF/XML: the namespace declarations are joined on the root element; if two
  fragments bind one prefix to different namespaces, the page is made whole.

Only the site's default profiles are cached (a page asking for
``profiles=...`` is made whole, so a caller cannot fill the table), and only
datasets an anonymous search returns are ever serialized here. A dataset made
private or deleted loses its fragments at once (``forget``; CKAN's bulk actions go
through ``package_patch`` here, ``logic/dataset/bulk.py``), a fragment is stored
only while its dataset is public and active, and a purged dataset takes its
rows (a foreign key). ``ckanext.opdc_kpi.dcat.fragment_cache =
false`` turns it off.
"""
from __future__ import annotations

import hashlib
import json
import logging
import threading
from collections import OrderedDict
from importlib import metadata
from pathlib import Path
from typing import Any, Iterable, Optional

import sqlalchemy as sa

import ckan.plugins.toolkit as tk

from ckanext.opdc_kpi.dcat.joins import JOINS, join_turtle

log = logging.getLogger(__name__)

CACHE_KEY = "ckanext.opdc_kpi.dcat.fragment_cache"
TABLE = "opdc_kpi_dcat_fragment"
#: configuration the profiles read (a change makes every fragment again)
_CONFIG_PREFIXES = ("ckanext.dcat.", "ckan.site_", "ckan.locale", "ckan.root_path",
                    "ckanext.opdc_kpi.dcat.", "licenses_group_url", "scheming.",
                    "ckan.auth.public_user_details", "ckan.plugins")
#: the libraries whose versions are in the key
_LIBRARIES = ("ckanext-dcat", "rdflib", "ckan", "ckanext-scheming", "python-dateutil",
              "geomet", "ckantoolkit")


def enabled() -> bool:
    return tk.asbool(tk.config.get(CACHE_KEY))


# --- keys ------------------------------------------------------------------------------

def _code_hash() -> str:
    """This extension's code and the serializing libraries' versions, as this
    process loaded them (hashed at import: a worker still running old code
    after an upgrade keeps the old hash, so it never stores old output under
    the new code's key)."""
    digest = hashlib.sha256()
    root = Path(__file__).resolve().parents[1]
    for path in sorted(root.rglob("*")):
        if path.suffix in (".py", ".json", ".yaml") and path.is_file():
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    for package in _LIBRARIES:
        try:
            digest.update(f"{package}={metadata.version(package)}".encode())
        except metadata.PackageNotFoundError:
            pass
    return digest.hexdigest()


_CODE = _code_hash()


def _site(licences: dict) -> bytes:
    """The configuration and licence register the profiles read, and the code."""
    config = tk.config
    items = sorted((key, str(config.get(key))) for key in list(config.keys())
                   if isinstance(key, str) and key.startswith(_CONFIG_PREFIXES))
    return json.dumps([_CODE, items, licences], sort_keys=True, default=str).encode()


def _organizations(ids: Iterable[str]) -> dict[str, Any]:
    """The datasets' organizations as they are now (what the profiles may
    read of them: name, title, description, image, state and extras)."""
    from ckan import model

    ids = sorted({i for i in ids if i})
    if not ids:
        return {}
    if "extras" in model.group_table.c:     # CKAN 2.12: a JSONB column
        extras = "g.extras"
    else:                                   # CKAN 2.11: the group_extra table
        extras = ("(SELECT json_object_agg(e.key, e.value ORDER BY e.key) FROM group_extra e"
                  " WHERE e.group_id = g.id AND e.state = 'active')")
    rows = model.Session.execute(sa.text(
        f"SELECT g.id, g.name, g.title, g.description, g.image_url, g.state, {extras} "
        'FROM "group" g WHERE g.id = ANY(:ids)'), {"ids": ids})
    return {row[0]: list(row[1:]) for row in rows}


def _key(dataset: dict, site: bytes, orgs: dict, rdf_format: str) -> str:
    digest = hashlib.sha256(site)
    digest.update(rdf_format.encode())
    digest.update(json.dumps([dataset, orgs.get(dataset.get("owner_org") or "")],
                             sort_keys=True, default=str).encode())
    return digest.hexdigest()


# --- the table ------------------------------------------------------------------------

def _load(rdf_format: str, keys: dict[str, str]) -> dict[str, tuple[str, str]]:
    """{dataset id: (its URI, its fragment)} of those stored with their key."""
    from ckan import model

    if not keys:
        return {}
    rows = model.Session.execute(sa.text(
        f"SELECT package_id, key, ref, body FROM {TABLE} "
        "WHERE rdf_format = :format AND package_id = ANY(:ids)"),
        {"format": rdf_format, "ids": list(keys)})
    return {row[0]: (row[2], row[3]) for row in rows if keys.get(row[0]) == row[1]}


def _store(rdf_format: str, fresh: list[tuple[str, str, str, str]]) -> None:
    """Keep the fresh fragments, in a transaction of their own (a page is a
    read: its session is not committed). A failure only costs the next page
    the same work."""
    from ckan import model

    if not fresh:
        return
    try:
        with model.meta.engine.begin() as connection:
            connection.execute(sa.text(
                f"INSERT INTO {TABLE} AS f (package_id, rdf_format, key, ref, body) "
                # the dataset public and active now: FOR SHARE waits for a
                # transaction making it private or deleting it (whose forget()
                # ran before this row existed) and reads the row it committed
                "SELECT :id, :format, :key, :ref, :body WHERE EXISTS "
                "  (SELECT 1 FROM package WHERE id = :id AND NOT private "
                "   AND state = 'active' FOR SHARE) "
                "ON CONFLICT (package_id, rdf_format) DO UPDATE "
                "SET key = EXCLUDED.key, ref = EXCLUDED.ref, body = EXCLUDED.body "
                "WHERE f.key IS DISTINCT FROM EXCLUDED.key"),
                [{"id": i, "format": rdf_format, "key": k, "ref": r, "body": b}
                 for i, k, r, b in fresh])
    except sa.exc.SQLAlchemyError as error:
        log.warning("DCAT fragments not stored: %s", error.__class__.__name__)


_READY = False


def ready() -> bool:
    """Whether the table exists (``ckan db upgrade -p opdc_kpi``); a site
    that has not run the migration gets whole pages and no error."""
    global _READY
    if not _READY:
        from ckan import model

        _READY = sa.inspect(model.meta.engine).has_table(TABLE)
        if not _READY:
            log.warning("%s is missing (run `ckan db upgrade -p opdc_kpi`): "
                        "catalog pages are made whole", TABLE)
    return _READY


def forget(package_ids: Iterable[str]) -> None:
    """Drop datasets' fragments (made private, deleted; ids or names), in the
    caller's transaction."""
    from ckan import model

    ids = [str(i) for i in package_ids if i]
    if ids and ready():
        model.Session.execute(sa.text(
            f"DELETE FROM {TABLE} WHERE package_id IN "
            "(SELECT id FROM package WHERE id = ANY(:ids) OR name = ANY(:ids))"),
            {"ids": ids})


def forget_if_hidden(context: dict, pkg_dict: dict) -> None:
    """``after_dataset_update``: a dataset no longer public and active loses
    its fragments (read from the updated row: a validated dict may lack
    ``state``); a public one pays nothing here (its key changed anyway)."""
    package = context.get("package")
    private = package.private if package is not None else pkg_dict.get("private")
    state = package.state if package is not None else pkg_dict.get("state", "active")
    if private or state != "active":
        forget([package.id if package is not None else pkg_dict.get("id")])


# --- a dataset's fragment ---------------------------------------------------------------

#: serialized descriptions of nodes many datasets share (a concept, its scheme,
#: a publisher, a licence), by format and exact triples; least recently used out
_SHARED: "OrderedDict[tuple, str]" = OrderedDict()
_SHARED_MAX = 4096
_SHARED_LOCK = threading.Lock()


def _shared_nodes(g: Any, ref: Any) -> list[frozenset]:
    """Take out of ``g`` the descriptions of the IRIs other than the dataset
    and its distributions whose objects are no blank nodes: the nodes other
    datasets share (half of a page's triples are the DGA concepts' labels and
    schemes, written once per dataset). Returns their triples, a set each."""
    from rdflib import BNode, URIRef
    from ckanext.dcat.processors import DCAT

    own = {ref, *g.objects(ref, DCAT.distribution)}
    shared = []
    for subject in set(g.subjects()):
        if not isinstance(subject, URIRef) or subject in own:
            continue
        triples = frozenset(g.triples((subject, None, None)))
        if any(isinstance(o, BNode) for _s, _p, o in triples):
            continue
        shared.append(triples)
        g.remove((subject, None, None))
    return shared


def _graph() -> Any:
    """A graph for one dataset or node: rdflib's store without contexts (a
    page's 18,000 additions and the shared nodes' removals cost a third of
    what ckanext-dcat's context-aware graph costs)."""
    import rdflib

    return rdflib.Graph(store="SimpleMemory")


def _shared_block(triples: frozenset, rdf_format: str, names: Any) -> str:
    key = (rdf_format, triples)
    with _SHARED_LOCK:
        block = _SHARED.get(key)
        if block is not None:
            _SHARED.move_to_end(key)
            return block
    g = _graph()
    g.namespace_manager = names
    for triple in triples:
        g.add(triple)
    block = g.serialize(format=rdf_format)
    with _SHARED_LOCK:      # a threaded server's requests share it
        _SHARED[key] = block
        while len(_SHARED) > _SHARED_MAX:
            _SHARED.popitem(last=False)
    return block


def _fragment(g: Any, ref: Any, rdf_format: str, names: Any) -> str:
    """The dataset graph ``g`` serialized: its own triples, and the shared
    nodes' descriptions serialized once per process (a page of 100 datasets
    none of which was stored costs about what the page made whole costs; the
    descriptions serialized in every fragment made it 1.5x). Made whole if
    the parts cannot be joined exactly."""
    shared = _shared_nodes(g, ref)
    own = g.serialize(format=rdf_format)
    blocks = [_shared_block(triples, rdf_format, names) for triples in shared]
    joined = (join_turtle([own] + blocks, strict=True) if rdf_format == "turtle"
              else JOINS[rdf_format]([own] + blocks))
    if joined is not None:
        return joined
    for triples in shared:
        for triple in triples:
            g.add(triple)
    return g.serialize(format=rdf_format)


# --- a page ---------------------------------------------------------------------------

def catalog_page(serializer: Any, datasets: list[dict], fmt: Optional[str],
                 pagination: dict, licences: dict) -> Optional[str]:
    """The page from fragments, or None when it must be made whole (the
    format has no join, sub-catalogs are exposed, or a join gave up)."""
    import rdflib
    from ckanext.dcat.processors import DCAT
    from ckanext.dcat.utils import DCAT_EXPOSE_SUBCATALOGS, url_to_rdflib_format

    rdf_format = url_to_rdflib_format(fmt or "xml")
    join = JOINS.get(rdf_format)
    if (join is None or tk.asbool(tk.config.get(DCAT_EXPOSE_SUBCATALOGS))
            or not ready()):
        return None
    site = _site(licences)
    orgs = _organizations(d.get("owner_org") for d in datasets)
    keys = {d["id"]: _key(d, site, orgs, rdf_format) for d in datasets}
    stored = _load(rdf_format, keys)
    fresh, refs, bodies = [], [], []
    # one namespace manager for the page's graphs (its prefix bindings and its
    # cache of names)
    names = None
    for dataset in datasets:
        if dataset["id"] in stored:
            ref, body = stored[dataset["id"]]
        else:
            serializer.g = _graph()
            if names is None:
                names = serializer.g.namespace_manager
            serializer.g.namespace_manager = names
            ref = str(serializer.graph_from_dataset(dataset))
            body = _fragment(serializer.g, rdflib.URIRef(ref), rdf_format, names)
            if dataset.get("type") == "dataset":
                fresh.append((dataset["id"], keys[dataset["id"]], ref, body))
        refs.append(ref)
        bodies.append(body)
    _store(rdf_format, fresh)
    # the catalog, its datasets' links and the page links: made every time
    serializer.g = rdflib.ConjunctiveGraph()
    if names is not None:
        serializer.g.namespace_manager = names
    catalog_ref = serializer.graph_from_catalog({})
    for ref in refs:
        serializer.g.add((catalog_ref, DCAT.dataset, rdflib.URIRef(ref)))
    if pagination:
        serializer._add_pagination_triples(pagination)
    head = serializer.g.serialize(format=rdf_format)
    return join([head] + bodies)
