-- seed: a reload whose file has other columns than the table
-- "raw"."dim_kpi" is a table: kpi_id integer, kpi_code text, kpi_label text, format text
-- the file's header: kpi_id (integer), kpi_code (text), kpi_name (text), format (text)

-- read from the catalog: the columns of "raw"."dim_kpi"

-- fails: KPI_SCHEMA_CHANGE: the columns of the seed changed since raw.dim_kpi was built (new "kpi_name"; gone "kpi_label")
--   hint: run kpi seed --full-refresh --select dim_kpi to rebuild the table with the new columns
