"""CKAN-facing logic, one package per capability:

- ``dataset``: the DGA schema's validators, checks and focus-area vocabulary;
- ``score``: reading the catalog in bulk and scoring it (``opdc_kpi_score``);
- ``assessment``: assessors, their confirmations and overrides, frozen results;
- ``harvest``: the GD Catalog harvest check;
- ``workbooks``: the Excel Template 2/3 import, export and re-validation;

on three small modules they share: ``site`` (settings read at call time),
``inputs`` (action input) and ``access`` (who assesses, who is a member).
``registry`` collects the actions and auth functions the plugin registers.
Importing this package imports nothing else.
"""
