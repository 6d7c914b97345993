"""The SQL that bins a run's call latencies into one histogram per prompt × model."""

from __future__ import annotations

# Only calls that reached the model count: a cached result's latency is a cache read and an
# errored call's is a timeout or a refusal. Every pair shares the run's min..max so their
# histograms line up; the maximum falls in bucket n+1 of width_bucket and is folded into n, and
# a run whose latencies are all equal (width_bucket rejects lo = hi) puts them in bucket 1.
LATENCY = """
with eligible as (
  select r.prompt_position, r.provider_position, r.latency_ms
  from results r
  where r.workspace_id = %(ws)s and r.run_id = %(run)s
    and not r.cached and r.error is null and r.latency_ms is not null
),
bounds as (
  select min(latency_ms) as lo, max(latency_ms) as hi from eligible
),
binned as (
  select e.prompt_position, e.provider_position, e.latency_ms,
    case when b.hi > b.lo
         then least(width_bucket(e.latency_ms, b.lo, b.hi, %(n)s), %(n)s)
         else 1 end as bucket
  from eligible e cross join bounds b
),
pairs as (
  select prompt_position, provider_position,
    percentile_cont(0.5) within group (order by latency_ms) as p50,
    percentile_cont(0.95) within group (order by latency_ms) as p95
  from binned group by prompt_position, provider_position
),
tally as (
  select prompt_position, provider_position, bucket, count(*)::int as n
  from binned group by prompt_position, provider_position, bucket
)
select b.lo, b.hi, p.prompt_position, p.provider_position, p.p50, p.p95,
  array(
    select coalesce(t.n, 0) from generate_series(1, %(n)s) as i
    left join tally t on t.prompt_position = p.prompt_position
      and t.provider_position = p.provider_position and t.bucket = i
    order by i
  ) as counts
from bounds b left join pairs p on true
order by p.prompt_position, p.provider_position
"""
