-- seed: a reload of a table another table's foreign key references: the file's rows staged and compared; only when they differ is the key taken off for the truncate and put back after the load
-- "raw"."dim_kpi" is a table: kpi_id integer, kpi_code text, kpi_name text, format text
-- the file's header: kpi_id (integer), kpi_code (text), kpi_name (text), format (text)
-- foreign key kpi_daily_kpi_id_fkey of "analytics"."kpi_daily" references it

-- read from the catalog: the columns of "raw"."dim_kpi"

-- read from the catalog: the foreign keys on "raw"."dim_kpi"

begin;

create temporary table "dim_kpi__kpi_seed" (like "raw"."dim_kpi") on commit drop;

-- copy pg_temp."dim_kpi__kpi_seed" ("kpi_id", "kpi_code", "kpi_name", "format") from the seed file's records

select exists (select * from pg_temp."dim_kpi__kpi_seed" except all select * from "raw"."dim_kpi")
    or exists (select * from "raw"."dim_kpi" except all select * from pg_temp."dim_kpi__kpi_seed") as changed;

-- when the staged rows differ from the table's:

alter table "analytics"."kpi_daily" drop constraint "kpi_daily_kpi_id_fkey";

truncate table "raw"."dim_kpi";

insert into "raw"."dim_kpi" select * from pg_temp."dim_kpi__kpi_seed";

alter table "analytics"."kpi_daily" add constraint "kpi_daily_kpi_id_fkey" FOREIGN KEY (kpi_id) REFERENCES raw.dim_kpi(kpi_id);

analyze "raw"."dim_kpi";

grant select on "raw"."dim_kpi" to "reporting";

-- when they do not (the unchanged file of an ordinary build):

grant select on "raw"."dim_kpi" to "reporting";

commit;
