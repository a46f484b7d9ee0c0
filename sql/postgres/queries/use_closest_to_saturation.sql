-- The resources closest to saturation: the 20 with the highest pressure (the larger of their
-- worst saturation and worst utilization over the last 5 minutes of data; saturation >= 1 or
-- utilization near 1 means out of headroom). See the use_saturation_ranking view (V2__metrics.sql).
SELECT tenant, resource, resource_kind,
       round(pressure::numeric, 4) AS pressure,
       round(max_saturation::numeric, 4) AS saturation, saturation_component,
       round(max_utilization::numeric, 4) AS utilization, utilization_component,
       round(max_errors_per_s::numeric, 4) AS errors_per_s,
       last_bucket
FROM use_saturation_ranking
ORDER BY pressure DESC, resource
LIMIT 20;
