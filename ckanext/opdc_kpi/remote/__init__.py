"""Score any CKAN catalog over its public action API, without CKAN installed
(console script ``opdc-kpi-remote``). Standard library plus the pure scoring
core; openpyxl only for .xlsx files."""
