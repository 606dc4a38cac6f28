"""DCAT and schema.org (issue 29): the DGA items through ckanext-dcat."""
