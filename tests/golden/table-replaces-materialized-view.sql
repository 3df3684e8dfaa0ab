-- table: a materialized view the model built before is replaced by the table
-- "analytics"."orders" is a materialized view

drop table if exists "analytics"."orders__kpi_tmp";

drop table if exists "analytics"."orders__kpi_backup";

begin;

create table "analytics"."orders__kpi_tmp"
as (
select id, customer_id, amount, ordered_at, payload
from "raw"."orders"
);

-- read from the catalog: the columns of "analytics"."orders__kpi_tmp"; the views on "analytics"."orders"

analyze "analytics"."orders__kpi_tmp";

drop materialized view if exists "analytics"."orders";

alter table "analytics"."orders__kpi_tmp" rename to "orders";

commit;
