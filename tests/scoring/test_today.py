"""The stored KPI figures never age: a year's score and list row do not
depend on the day they are computed (only the default year and the accepted
range of years follow the calendar, outside the scoring core)."""
from __future__ import annotations

from datetime import date

from ckanext.opdc_kpi.scoring import Rules, score_organization, score_rows
from tests.scoring._data import complete_dataset, organization, public_dataset

DAYS = (date(2021, 10, 1), date(2022, 9, 30), date(2030, 1, 1), date(1990, 1, 1))


def test_a_years_report_and_row_are_the_same_on_any_day():
    datasets = [complete_dataset(kpi_years=[2565, 2575]), public_dataset(id="d2", name="d2")]
    for year in (2565, 2566, 2575):
        reports = [score_organization(organization(), datasets, fiscal_year=year, today=day,
                                      rules=Rules(), catalog_url="https://x.go.th")
                   for day in DAYS]
        assert all(report == reports[0] for report in reports)
        rows = [score_rows([(organization(), datasets, [])], fiscal_year=year, today=day,
                           rules=Rules(), catalog_url="https://x.go.th") for day in DAYS]
        assert all(row == rows[0] for row in rows)
