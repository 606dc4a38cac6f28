"""The WSGI entry point of the production server (CKAN's own ``wsgi.py``).

CKAN's deployment documentation runs ``ckan.config.middleware.make_app`` from
a ``wsgi.py`` like this one under uWSGI. The ini comes from ``CKAN_INI``
(``scripts/production.sh`` sets it to ``scripts/production/production.ini``,
which layers production settings over the site's ``ckan.ini``); loading it
also applies its logging sections.

Loading the app reads the database (CKAN's ``update_config`` reads the
site's settings from it). A worker started while PostgreSQL does not answer
(restarting, a respawn after a worker was killed) would fail to load it, and
with uWSGI's ``need-app`` that ends the whole server: the site would not
recover by itself (the fault benchmark, ``make bench-faults``, found it). So
such a worker waits ``OPDC_APP_RETRY_PAUSE`` seconds (3) and exits; uWSGI's
master starts another, which tries again, until the database answers.
"""
import os
import sys
import time

import sqlalchemy.exc
from ckan.cli import CKANConfigLoader
from ckan.config.middleware import make_app

config = CKANConfigLoader(os.environ["CKAN_INI"]).get_config()
try:
    application = make_app(config)
except sqlalchemy.exc.OperationalError as error:
    pause = float(os.environ.get("OPDC_APP_RETRY_PAUSE") or 3)
    first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    sys.stderr.write(f"opdc-kpi wsgi: the database does not answer while the app loads "
                     f"({first}); this worker exits in {pause:.0f} s and uWSGI starts "
                     "another\n")
    sys.stderr.flush()
    time.sleep(pause)
    os._exit(1)
