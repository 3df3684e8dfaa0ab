-- table on Citus: a rebuild of a contracted table distributed by kpi_id that another table's foreign key references: made empty, distributed, filled; keys renamed through their indexes, foreign keys named
-- "analytics"."kpi_daily" is a table
-- foreign key kpi_weekly_day_kpi_id_fkey of "marts"."kpi_weekly" references it
-- the target has Citus, and the model is configured distributed_by: kpi_id
-- the table has a foreign key of its own (to "analytics"."dim_kpi"): it is dropped after the commit

drop table if exists "analytics"."kpi_daily__kpi_tmp";

drop table if exists "analytics"."kpi_daily__kpi_backup";

begin;

set local citus.multi_shard_modify_mode to 'sequential';

set local citus.enable_local_execution to off;

create table "analytics"."kpi_daily__kpi_tmp"
as (
select day, kpi_id, value
from (
select day, kpi_id, value
from "analytics"."kpi_daily_source"
) as model_subq
)
with no data;

alter table "analytics"."kpi_daily__kpi_tmp"
  alter column day set not null,
  alter column kpi_id set not null,
  add constraint "value_known" check (value is not null or kpi_id = 27),
  add primary key (day, kpi_id);

select create_distributed_table('"analytics"."kpi_daily__kpi_tmp"', 'kpi_id');

insert into "analytics"."kpi_daily__kpi_tmp"
select day, kpi_id, value
from (
select day, kpi_id, value
from "analytics"."kpi_daily_source"
) as model_subq;

-- read from the catalog: the columns of "analytics"."kpi_daily__kpi_tmp"; the views on "analytics"."kpi_daily"; the foreign keys on "analytics"."kpi_daily"; the constraints of "analytics"."kpi_daily__kpi_tmp"; the constraints of "analytics"."kpi_daily"

analyze "analytics"."kpi_daily__kpi_tmp";

alter table "marts"."kpi_weekly" drop constraint "kpi_weekly_day_kpi_id_fkey";

alter table "analytics"."kpi_daily" rename to "kpi_daily__kpi_backup";

alter table "analytics"."kpi_daily__kpi_tmp" rename to "kpi_daily";

alter index "analytics"."kpi_daily_pkey" rename to "kpi_daily_pkey__kpi_backup";

alter index "analytics"."kpi_daily__kpi_tmp_pkey" rename to "kpi_daily_pkey";

alter table "analytics"."kpi_daily" add constraint "kpi_daily_kpi_id_fkey" foreign key (kpi_id) references "analytics"."dim_kpi" (kpi_id);

alter table "marts"."kpi_weekly" add constraint "kpi_weekly_day_kpi_id_fkey" FOREIGN KEY (day, kpi_id) REFERENCES analytics.kpi_daily(day, kpi_id);

commit;

alter table "analytics"."kpi_daily__kpi_backup" drop constraint "kpi_daily_kpi_id_fkey";

drop table if exists "analytics"."kpi_daily__kpi_backup";
