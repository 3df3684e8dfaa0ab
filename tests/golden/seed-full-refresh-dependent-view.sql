-- seed: --full-refresh of a loaded seed with a view on it
-- "raw"."dim_kpi" is a table
-- view "analytics"."kpi_names" (depth 1) depends on it
-- the file's header: kpi_id (integer), kpi_code (text), kpi_name (text), format (text)

drop table if exists "raw"."dim_kpi__kpi_tmp";

drop table if exists "raw"."dim_kpi__kpi_backup";

begin;

create table "raw"."dim_kpi__kpi_tmp" (
  "kpi_id" integer,
  "kpi_code" text,
  "kpi_name" text,
  "format" text
);

-- copy "raw"."dim_kpi__kpi_tmp" ("kpi_id", "kpi_code", "kpi_name", "format") from the seed file's records

-- read from the catalog: the columns of "raw"."dim_kpi__kpi_tmp"; the views on "raw"."dim_kpi"; the foreign keys on "raw"."dim_kpi"; the constraints of "raw"."dim_kpi"

analyze "raw"."dim_kpi__kpi_tmp";

drop view if exists "analytics"."kpi_names";

alter table "raw"."dim_kpi" rename to "dim_kpi__kpi_backup";

alter table "raw"."dim_kpi__kpi_tmp" rename to "dim_kpi";

drop table if exists "raw"."dim_kpi__kpi_backup";

create view "analytics"."kpi_names" as
 SELECT dim_kpi.kpi_id,
    dim_kpi.kpi_name
   FROM raw.dim_kpi;

grant select on "raw"."dim_kpi" to "reporting";

commit;
