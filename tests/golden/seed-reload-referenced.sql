-- seed: a reload of a table another table's foreign key references: the key is taken off for the truncate and put back after the load
-- "raw"."dim_kpi" is a table: kpi_id integer, kpi_code text, kpi_name text, format text
-- the file's header: kpi_id (integer), kpi_code (text), kpi_name (text), format (text)
-- foreign key kpi_daily_kpi_id_fkey of "analytics"."kpi_daily" references it

-- read from the catalog: the columns of "raw"."dim_kpi"

begin;

alter table "analytics"."kpi_daily" drop constraint "kpi_daily_kpi_id_fkey";

truncate table "raw"."dim_kpi";

-- copy "raw"."dim_kpi" ("kpi_id", "kpi_code", "kpi_name", "format") from the seed file's records

alter table "analytics"."kpi_daily" add constraint "kpi_daily_kpi_id_fkey" FOREIGN KEY (kpi_id) REFERENCES raw.dim_kpi(kpi_id);

analyze "raw"."dim_kpi";

grant select on "raw"."dim_kpi" to "reporting";

commit;
