-- snapshot: a view stands at the snapshot's name
-- "snapshots"."orders_snapshot" is a view
-- the query returns: id integer, status text, amount numeric(12,2), updated_at timestamp without time zone
-- config: {"strategy":"timestamp","unique_key":"id","updated_at":"updated_at"}

-- fails: KPI_UNSAFE_OPERATION: snapshots.orders_snapshot is a view, not a snapshot table; kpi will not replace it
--   hint: drop or rename it yourself, or give the snapshot another alias or target_schema
