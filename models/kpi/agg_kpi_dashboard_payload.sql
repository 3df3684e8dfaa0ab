{{ config(materialized='view') }}

{#-
  agg_kpi_dashboard's rows with their figures as one JSON document, built on read for APIs
  and BI tools that want JSON. The table stores columns only.
-#}

select
  d.*,
  jsonb_build_object(
    'as_of_date', d.as_of_date,
    'kpi_id', d.kpi_id,
    'entity_id', d.entity_id
    {%- for figure in ['day', 'mtd', 'qtd', 'ytd', 'last28'] %},
    '{{ figure }}', jsonb_build_object('value', d.{{ figure }}_value, 'prior', d.{{ figure }}_prior, 'delta', d.{{ figure }}_delta, 'delta_pct', d.{{ figure }}_delta_pct)
    {%- endfor %}
  ) as payload
from {{ ref('agg_kpi_dashboard') }} d
