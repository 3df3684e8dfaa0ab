-- seed: a large file whose end calls for other types: back to the savepoint, and load again
-- nothing stands at "raw"."dim_kpi"
-- the file's header: kpi_id (integer), kpi_code (text), kpi_name (text), format (text)
-- the file is still being read when COPY starts

drop table if exists "raw"."dim_kpi__kpi_tmp";

drop table if exists "raw"."dim_kpi__kpi_backup";

begin;

savepoint kpi_seed_load;

create table "raw"."dim_kpi__kpi_tmp" (
  "kpi_id" integer,
  "kpi_code" text,
  "kpi_name" text,
  "format" text
);

-- copy "raw"."dim_kpi__kpi_tmp" ("kpi_id", "kpi_code", "kpi_name", "format") from the seed file's records

-- COPY stops: further into the file, kpi_id needs bigint

rollback to savepoint kpi_seed_load;

create table "raw"."dim_kpi__kpi_tmp" (
  "kpi_id" bigint,
  "kpi_code" text,
  "kpi_name" text,
  "format" text
);

-- copy "raw"."dim_kpi__kpi_tmp" ("kpi_id", "kpi_code", "kpi_name", "format") from the seed file's records

-- read from the catalog: the columns of "raw"."dim_kpi__kpi_tmp"

analyze "raw"."dim_kpi__kpi_tmp";

alter table "raw"."dim_kpi__kpi_tmp" rename to "dim_kpi";

grant select on "raw"."dim_kpi" to "reporting";

commit;
