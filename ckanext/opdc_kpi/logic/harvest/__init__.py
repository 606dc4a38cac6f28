"""The GD Catalog harvest check: what the national harvester would see and
reject in this catalog (``action``), the catalog as the database has it and
who may read what (``catalog``), and who may run it (``auth``). What other
packages may use is named here."""
from __future__ import annotations

from ckanext.opdc_kpi.logic.harvest.action import get_actions
from ckanext.opdc_kpi.logic.harvest.auth import get_auth_functions

__all__ = ["get_actions", "get_auth_functions"]
