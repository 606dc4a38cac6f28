-- bench/search/bulk_reinsert.sql: every row of the search table re-inserted in ONE
-- transaction, one statement a row (what `ckan search-index rebuild --clear` does),
-- then rolled back. psql -d <bench db> -v variant=none|bulk|old -f bench/search/bulk_reinsert.sql
--   none: the search table's triggers disabled (no bitmaps, no values)
--   bulk: opdc_kpi.search_bulk set, as the index sets it for deferred writes
--   old:  the row-by-row bitmaps' trigger (any write without the setting)
-- Prints the inserts' time, then the commit-time work (SET CONSTRAINTS ALL
-- IMMEDIATE: the drain) and the bitmaps' size; VACUUM FULL afterwards undoes the
-- rolled-back versions. Needs a superuser or the tables' owner.
\timing on
\set ON_ERROR_STOP 1
BEGIN;
CREATE TEMP TABLE src AS SELECT * FROM opdc_kpi_search;
TRUNCATE opdc_kpi_search;
SELECT CASE :'variant' WHEN 'bulk' THEN set_config('opdc_kpi.search_bulk', 'on', true) ELSE 'off' END;
SELECT :'variant' = 'none' AS none \gset
\if :none
ALTER TABLE opdc_kpi_search DISABLE TRIGGER USER;
\endif
DO $$ DECLARE r opdc_kpi_search; i int := 0; t0 timestamptz := clock_timestamp(); BEGIN
FOR r IN SELECT * FROM src LOOP
  INSERT INTO opdc_kpi_search VALUES (r.*);
  i := i + 1;
END LOOP;
RAISE NOTICE 'RESULT inserts: % rows % s', i, round(extract(epoch from clock_timestamp() - t0)::numeric, 1); END $$;

SET CONSTRAINTS ALL IMMEDIATE;
SELECT 'RESULT bits size', pg_size_pretty(pg_relation_size('opdc_kpi_search_bits')), (SELECT count(*) FROM opdc_kpi_search_bits);
ROLLBACK;
VACUUM FULL opdc_kpi_search_bits;
VACUUM FULL opdc_kpi_search_docno;
VACUUM opdc_kpi_search;
VACUUM opdc_kpi_search_values;
