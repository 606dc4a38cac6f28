"""Plugin classes: interface wiring only."""
from __future__ import annotations

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.lib.plugins import DefaultTranslation

from ckanext.opdc_kpi import cli
from ckanext.opdc_kpi.search import backend as search_backend


@tk.blanket.config_declarations
class OpdcKpiPlugin(p.SingletonPlugin, DefaultTranslation):
    """The OPDC KPI extension: DGA schema support, KPI scoring and pages."""

    p.implements(p.IConfigurer)
    p.implements(p.ITranslation)
    p.implements(p.IClick)

    # IConfigurer
    def update_config(self, config):
        tk.add_template_directory(config, "templates")
        tk.add_resource("assets", "opdc_kpi")

    # IClick
    def get_commands(self):
        return cli.get_commands()


@tk.blanket.config_declarations("search/config_declaration.yaml")
class OpdcKpiPgsearchPlugin(p.SingletonPlugin):
    """Dataset search in PostgreSQL, for sites without Solr."""

    p.implements(p.IConfigurer)
    p.implements(p.IConfigurable)

    # IConfigurer
    def update_config(self, config):
        search_backend.install()

    # IConfigurable
    def configure(self, config):
        search_backend.check_database(config)
