"""The pure scoring core of the OPDC Data Catalog KPI (standard library only).

It takes ``package_show``/``organization_show``-like dicts, explicit ``Rules``
and ``today``, and returns plain dicts and frozen dataclasses. It never reads
CKAN's config, the clock or the database (house style, rule 2).
"""
from ckanext.opdc_kpi.scoring import messages, standard
from ckanext.opdc_kpi.scoring.choices import (
    CHOICES, FOCUS_AREA_CODES, FOCUS_AREAS, OPEN_LICENSES, Choice)
from ckanext.opdc_kpi.scoring.criteria import dataset_openness, normalize_format
from ckanext.opdc_kpi.scoring.engine import score_organization, score_row, score_rows
from ckanext.opdc_kpi.scoring.fiscal import fiscal_year_of, parse_kpi_years, plausible_fiscal_year
from ckanext.opdc_kpi.scoring.formats import DEFAULT_FORMAT_MAP, parse_format_map
from ckanext.opdc_kpi.scoring.labels import FIELD_LABELS, MANDATORY_ITEMS
from ckanext.opdc_kpi.scoring.messages import message
from ckanext.opdc_kpi.scoring.model import Criterion, Openness, Problem, Reason, Rules
from ckanext.opdc_kpi.scoring.standard import dataset_problems, mandatory_problems
from ckanext.opdc_kpi.scoring.text import as_list, is_blank, keyword_problem, normalize_text

__all__ = [
    "CHOICES", "Choice", "Criterion", "DEFAULT_FORMAT_MAP", "FIELD_LABELS", "FOCUS_AREAS",
    "FOCUS_AREA_CODES", "MANDATORY_ITEMS", "OPEN_LICENSES", "Openness", "Problem", "Reason",
    "Rules", "as_list", "dataset_openness", "dataset_problems", "fiscal_year_of", "is_blank",
    "keyword_problem", "mandatory_problems", "message", "messages", "normalize_format",
    "normalize_text", "parse_format_map", "parse_kpi_years", "plausible_fiscal_year",
    "score_organization", "score_row", "score_rows", "standard",
]
