"""CKAN-facing logic: actions, auth, schemas and the DGA validators."""
