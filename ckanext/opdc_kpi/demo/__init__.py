"""Demo content for `make serve` (``ckan opdc-kpi demo``)."""
