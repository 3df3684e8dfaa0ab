-- table: a rebuild that keeps the two views on the table (one on the other) alive
-- "analytics"."orders" is a table
-- view "analytics"."orders_recent" (depth 1) depends on it
-- view "bi"."recent_revenue" (depth 2) depends on it
-- "analytics"."orders_recent" is granted to a role and to PUBLIC: both grants are recreated

drop table if exists "analytics"."orders__kpi_tmp";

drop table if exists "analytics"."orders__kpi_backup";

begin;

create table "analytics"."orders__kpi_tmp"
as (
select id, customer_id, amount, ordered_at, payload
from "raw"."orders"
);

-- read from the catalog: the columns of "analytics"."orders__kpi_tmp"; the views on "analytics"."orders"; the foreign keys on "analytics"."orders"; the constraints of "analytics"."orders"

analyze "analytics"."orders__kpi_tmp" ("id", "customer_id", "amount", "ordered_at");

drop view if exists "bi"."recent_revenue";

drop view if exists "analytics"."orders_recent";

alter table "analytics"."orders" rename to "orders__kpi_backup";

alter table "analytics"."orders__kpi_tmp" rename to "orders";

drop table if exists "analytics"."orders__kpi_backup";

create view "analytics"."orders_recent" as
 SELECT orders.id,
    orders.amount
   FROM analytics.orders
  WHERE orders.ordered_at > (now() - '7 days'::interval);

comment on view "analytics"."orders_recent" is 'Orders of the last seven days';

comment on column "analytics"."orders_recent"."amount" is 'In euros';

grant SELECT on "analytics"."orders_recent" to "bi_reader";

grant SELECT on "analytics"."orders_recent" to public;

create view "bi"."recent_revenue" as
 SELECT sum(orders_recent.amount) AS revenue
   FROM analytics.orders_recent;

grant SELECT on "bi"."recent_revenue" to "Finance Team";

commit;
