"""Excel Template 2 and 3 (the OPDC/NSO workbook): read, write, import."""
