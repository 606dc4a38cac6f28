"""Plugin classes: interface wiring only."""
from __future__ import annotations

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.lib.plugins import DefaultTranslation

from ckanext.opdc_kpi.search import backend as search_backend


@tk.blanket.config_declarations
class OpdcKpiPlugin(p.SingletonPlugin, DefaultTranslation):
    """The OPDC KPI extension: DGA schema support, KPI scoring and pages."""

    p.implements(p.IConfigurer)
    p.implements(p.ITranslation)

    # IConfigurer
    def update_config(self, config):
        tk.add_template_directory(config, "templates")
        tk.add_resource("assets", "opdc_kpi")


class OpdcKpiPgsearchPlugin(p.SingletonPlugin):
    """Dataset search in PostgreSQL, for sites without Solr."""

    p.implements(p.IConfigurer)

    # IConfigurer
    def update_config(self, config):
        search_backend.install()
