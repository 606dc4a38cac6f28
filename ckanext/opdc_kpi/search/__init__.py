"""PostgreSQL search for CKAN without Solr (the ``opdc_kpi_pgsearch`` plugin)."""
