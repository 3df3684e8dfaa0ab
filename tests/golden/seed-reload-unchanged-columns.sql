-- seed: a reload with the same columns truncates and refills the same table
-- "raw"."dim_kpi" is a table: kpi_id integer, kpi_code text, kpi_name text, format text
-- the file's header: kpi_id (integer), kpi_code (text), kpi_name (text), format (text)

-- read from the catalog: the columns of "raw"."dim_kpi"

begin;

truncate table "raw"."dim_kpi";

-- copy "raw"."dim_kpi" ("kpi_id", "kpi_code", "kpi_name", "format") from the seed file's records

analyze "raw"."dim_kpi";

grant select on "raw"."dim_kpi" to "reporting";

commit;
