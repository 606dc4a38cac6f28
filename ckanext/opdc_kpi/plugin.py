"""Plugin classes: interface wiring only."""
from __future__ import annotations

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.lib.plugins import DefaultTranslation

from ckanext.opdc_kpi import cli, helpers, views
from ckanext.opdc_kpi.dcat import fragments as dcat_fragments
from ckanext.opdc_kpi.views import publishing, unavailable
from ckanext.opdc_kpi.logic import dataset, registry, score
from ckanext.opdc_kpi.search import backend as search_backend
from ckanext.opdc_kpi.search import index as search_index
from ckanext.opdc_kpi.search import limits as search_limits


@tk.blanket.config_declarations
class OpdcKpiPlugin(p.SingletonPlugin, DefaultTranslation):
    """The OPDC KPI extension: DGA schema support, KPI scoring and pages."""

    p.implements(p.IConfigurer)
    p.implements(p.ITranslation)
    p.implements(p.IClick)
    p.implements(p.IValidators)
    p.implements(p.ITemplateHelpers)
    p.implements(p.IPackageController, inherit=True)
    p.implements(p.IActions)
    p.implements(p.IAuthFunctions)
    p.implements(p.IBlueprint)
    p.implements(p.IConfigurable)
    p.implements(p.IFacets, inherit=True)
    p.implements(p.IMiddleware, inherit=True)

    # IConfigurer
    def update_config(self, config):
        tk.add_template_directory(config, "templates")
        tk.add_resource("assets", "opdc_kpi")

    # IConfigurable
    def configure(self, config):
        score.track_figures()

    # IClick
    def get_commands(self):
        return cli.get_commands()

    # IValidators
    def get_validators(self):
        return registry.get_validators()

    # ITemplateHelpers
    def get_helpers(self):
        return helpers.get_helpers()

    # IActions
    def get_actions(self):
        return registry.get_actions()

    # IAuthFunctions
    def get_auth_functions(self):
        return registry.get_auth_functions()

    # IBlueprint
    def get_blueprint(self):
        return views.get_blueprints()

    # IMiddleware
    def make_middleware(self, app, config):
        return unavailable.install(publishing.install_error_page(app))

    # IPackageController
    def after_dataset_update(self, context, pkg_dict):
        publishing.flash_when_published(context, pkg_dict)
        dcat_fragments.forget_if_hidden(context, pkg_dict)

    def after_dataset_delete(self, context, pkg_dict):
        dcat_fragments.forget([pkg_dict.get("id")])

    def after_dataset_show(self, context, pkg_dict):
        return dataset.expose_focus_area(pkg_dict)

    def before_dataset_search(self, search_params):
        return search_limits.enforce(search_params)

    def before_dataset_index(self, pkg_dict):
        return search_index.without_choice_extras(pkg_dict)

    # IFacets
    def dataset_facets(self, facets_dict, package_type):
        return dataset.facets.add_facets(facets_dict)

    def organization_facets(self, facets_dict, organization_type, package_type):
        return dataset.facets.add_facets(facets_dict)

    def group_facets(self, facets_dict, group_type, package_type):
        return dataset.facets.add_facets(facets_dict)


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
