-- table: the first build of a model with an enforced contract: created with its columns and constraints, then filled
-- nothing stands at "analytics"."kpi_daily"
-- its contract matched the columns of its SELECT (checked before this plan)

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

-- read from the catalog: the columns of "analytics"."kpi_daily__kpi_tmp"; the constraints of "analytics"."kpi_daily__kpi_tmp"

analyze "analytics"."kpi_daily__kpi_tmp";

alter table "analytics"."kpi_daily__kpi_tmp" rename to "kpi_daily";

alter table "analytics"."kpi_daily" rename constraint "kpi_daily__kpi_tmp_pkey" to "kpi_daily_pkey";

alter table "analytics"."kpi_daily" add foreign key (kpi_id) references "analytics"."dim_kpi" (kpi_id);

commit;
