"""The DGA dataset schema's server side: the field validators and output
converters the scheming YAML names (``validators``, ``output``), the checks
that need the whole dataset (``checks``), what a dataset made before the
schema may keep (``legacy``) and the focus-area tag vocabulary
(``vocabulary``), the form's KPI completeness action
(``completeness``), the URL name made from a title (``names``), CKAN's tag and
format listings limited to the datasets the caller may find (``visible``),
``package_search``'s refusals answered as such (``searching``) and the search
pages' data type and focus area facets (``facets``). What other packages may
use is named here."""
from __future__ import annotations

from ckanext.opdc_kpi.logic.dataset.auth import get_auth_functions
from ckanext.opdc_kpi.logic.dataset import bulk, facets, searching, visible
from ckanext.opdc_kpi.logic.dataset.completeness import opdc_kpi_dataset_completeness
from ckanext.opdc_kpi.logic.dataset.names import opdc_kpi_dataset_name_propose
from ckanext.opdc_kpi.logic.dataset.validators import get_validators
from ckanext.opdc_kpi.logic.dataset.vocabulary import (
    FOCUS_VOCABULARY,
    expose_focus_area,
    focus_vocabulary_id,
)

__all__ = ["FOCUS_VOCABULARY", "expose_focus_area", "facets", "focus_vocabulary_id",
           "get_actions", "get_auth_functions", "get_validators"]


def get_actions() -> dict:
    return {"opdc_kpi_dataset_completeness": opdc_kpi_dataset_completeness,
            "opdc_kpi_dataset_name_propose": opdc_kpi_dataset_name_propose,
            **visible.get_actions(), **searching.get_actions(), **bulk.get_actions()}
