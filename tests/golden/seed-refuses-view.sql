-- seed: a view stands at the seed's name
-- "raw"."dim_kpi" is a view

-- fails: KPI_UNSAFE_OPERATION: raw.dim_kpi is a view; kpi will not replace it with a seed table
--   hint: drop or rename the relation yourself, or give the seed another alias
