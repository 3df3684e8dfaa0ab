-- table: the first build, with indexes, hooks, persist_docs and grants
-- nothing stands at "analytics"."orders"

-- pre_hook (outside the transaction), rendered when it runs: select pg_advisory_lock(42)

drop table if exists "analytics"."orders__kpi_tmp";

drop table if exists "analytics"."orders__kpi_backup";

begin;

-- pre_hook (inside the transaction), rendered when it runs: set local statement_timeout = '10min'

create table "analytics"."orders__kpi_tmp"
as (
select id, customer_id, amount, ordered_at, payload
from "raw"."orders"
);

-- read from the catalog: the columns of "analytics"."orders__kpi_tmp"

create unique index "orders__1108e92856_idx_t" on "analytics"."orders__kpi_tmp" ("id");

create index "orders__b0e2a58f3c_idx_t" on "analytics"."orders__kpi_tmp" ("customer_id");

analyze "analytics"."orders__kpi_tmp" ("id", "customer_id", "amount", "ordered_at");

alter table "analytics"."orders__kpi_tmp" rename to "orders";

alter index "analytics"."orders__1108e92856_idx_t" rename to "orders__1108e92856_idx";

alter index "analytics"."orders__b0e2a58f3c_idx_t" rename to "orders__b0e2a58f3c_idx";

comment on table "analytics"."orders" is 'One row per order: the shop''s orders since 2015.';

comment on column "analytics"."orders"."id" is 'The order';

comment on column "analytics"."orders"."amount" is 'The order''s total, in euros';

grant select on "analytics"."orders" to "reporting";

grant select on "analytics"."orders" to public;

-- post_hook (inside the transaction), rendered when it runs: insert into audit.builds values ('orders', now())

commit;

-- post_hook (outside the transaction), rendered when it runs: select pg_advisory_unlock(42)
