"""The extension's own tables (declared on CKAN's metadata, created by the
Alembic migrations in ``migration/opdc_kpi``) and the queries on them.
No rules here: who may do what is ``logic.access``; the search table lives
with the search plugin (``search/model.py``)."""
