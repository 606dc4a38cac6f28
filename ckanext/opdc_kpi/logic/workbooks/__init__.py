"""The OPDC/NSO workbook (Excel Template 2 and 3) through CKAN's actions:
import in one process or several, export, re-validation of the catalog, the
background job, and who may import. What other packages may use is named
here; reading and writing the file itself is ``ckanext.opdc_kpi.excel``."""
from __future__ import annotations

from ckanext.opdc_kpi.logic.workbooks.auth import get_auth_functions
from ckanext.opdc_kpi.logic.workbooks.importer import (
    export_datasets,
    import_workbook,
    locate,
    summary,
    validate_catalog,
)
from ckanext.opdc_kpi.logic.workbooks.jobs import (
    JOB_TITLE,
    KEEP_SECONDS,
    budget,
    enqueue,
    import_checked,
    interrupted_after,
    is_workbook_job,
    job_filename,
    job_status,
    job_user,
    run_workbook_job,
    store_upload,
    sweep_uploads,
)
from ckanext.opdc_kpi.logic.workbooks.rows import dataset_name
from ckanext.opdc_kpi.logic.workbooks.workers import worker_count

__all__ = ["JOB_TITLE", "KEEP_SECONDS", "budget", "dataset_name", "enqueue", "export_datasets",
           "get_auth_functions", "import_checked", "import_workbook", "interrupted_after",
           "is_workbook_job", "job_filename", "job_status", "job_user", "locate",
           "run_workbook_job", "store_upload", "summary", "sweep_uploads", "validate_catalog",
           "worker_count"]
