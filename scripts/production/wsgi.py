"""The WSGI entry point of the production server (CKAN's own ``wsgi.py``).

CKAN's deployment documentation runs ``ckan.config.middleware.make_app`` from
a ``wsgi.py`` like this one under uWSGI. The ini comes from ``CKAN_INI``
(``scripts/production.sh`` sets it to ``scripts/production/production.ini``,
which layers production settings over the site's ``ckan.ini``); loading it
also applies its logging sections.
"""
import os

from ckan.cli import CKANConfigLoader
from ckan.config.middleware import make_app

config = CKANConfigLoader(os.environ["CKAN_INI"]).get_config()
application = make_app(config)
