-- table: a rebuild of a contracted table that another table's foreign key references: the key is taken off and put back
-- "analytics"."kpi_daily" is a table
-- foreign key kpi_weekly_day_kpi_id_fkey of "marts"."kpi_weekly" references it
-- the table has a foreign key of its own (to "analytics"."dim_kpi"): it is dropped after the commit

drop table if exists "analytics"."kpi_daily__kpi_tmp";

drop table if exists "analytics"."kpi_daily__kpi_backup";

begin;

create table "analytics"."kpi_daily__kpi_tmp"
as (
select day, kpi_id, value
from (
select day, kpi_id, value
from "analytics"."kpi_daily_source"
) as model_subq
);

alter table "analytics"."kpi_daily__kpi_tmp"
  alter column day set not null,
  alter column kpi_id set not null,
  add constraint "value_known" check (value is not null or kpi_id = 27),
  add primary key (day, kpi_id);

-- read from the catalog: the columns of "analytics"."kpi_daily__kpi_tmp"; the views on "analytics"."kpi_daily"; the foreign keys on "analytics"."kpi_daily"; the constraints of "analytics"."kpi_daily__kpi_tmp"; the constraints of "analytics"."kpi_daily"

analyze "analytics"."kpi_daily__kpi_tmp";

alter table "marts"."kpi_weekly" drop constraint "kpi_weekly_day_kpi_id_fkey";

alter table "analytics"."kpi_daily" rename to "kpi_daily__kpi_backup";

alter table "analytics"."kpi_daily__kpi_tmp" rename to "kpi_daily";

alter table "analytics"."kpi_daily__kpi_backup" rename constraint "kpi_daily_pkey" to "kpi_daily_pkey__kpi_backup";

alter table "analytics"."kpi_daily__kpi_backup" rename constraint "kpi_daily_kpi_id_fkey" to "kpi_daily_kpi_id_fkey__kpi_backup";

alter table "analytics"."kpi_daily" rename constraint "kpi_daily__kpi_tmp_pkey" to "kpi_daily_pkey";

alter table "analytics"."kpi_daily" add foreign key (kpi_id) references "analytics"."dim_kpi" (kpi_id);

alter table "marts"."kpi_weekly" add constraint "kpi_weekly_day_kpi_id_fkey" FOREIGN KEY (day, kpi_id) REFERENCES analytics.kpi_daily(day, kpi_id);

commit;

do $kpi_retry$
declare
  patience interval := nullif(current_setting('lock_timeout'), '0')::interval;
  started timestamptz := clock_timestamp();
begin
  perform set_config('lock_timeout', '100ms', true);
  loop
    begin
      alter table "analytics"."kpi_daily__kpi_backup" drop constraint "kpi_daily_kpi_id_fkey__kpi_backup";
      return;
    exception when lock_not_available then
      if patience is not null and clock_timestamp() - started >= patience then
        raise;
      end if;
      perform pg_sleep(0.05);
    end;
  end loop;
end
$kpi_retry$;

drop table if exists "analytics"."kpi_daily__kpi_backup";
