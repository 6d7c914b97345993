"""The SQL that matches two runs cell by cell and classifies every pair."""

from __future__ import annotations

# A cell's identity across runs: the case's vars (the nth case with those vars), the prompt and
# model labels, and the repeat. Matching on vars rather than the case's content hash keeps cases
# comparable when only assertions changed between the runs.
_SIDE = """
  select c.id, c.case_position, p.label as prompt, v.label as provider, c.repeat,
    coalesce(md5((t.body -> 'vars')::text), 'position ' || c.case_position) as case_key,
    t.body -> 'vars' as vars, t.body ->> 'description' as description,
    r.passed, r.score, r.output, coalesce(r.error, c.error) as error,
    case when r.error is not null or c.state = 'failed' then 'error'
         when c.state = 'cancelled' then 'cancelled'
         when r.passed then 'pass' when r.passed = false then 'fail' else 'pending' end as outcome
  from cells c
  join run_prompts p on p.run_id = c.run_id and p.position = c.prompt_position
  join run_providers v on v.run_id = c.run_id and v.position = c.provider_position
  left join test_cases t on t.id = c.test_case_id
  left join results r on r.cell_id = c.id
  where c.workspace_id = %(ws)s and c.run_id = {run}
"""

COMPARE = f"""
with a0 as ({_SIDE.format(run="%(base)s")}),
b0 as ({_SIDE.format(run="%(head)s")}),
a as (select *, row_number() over (partition by case_key, prompt, provider, repeat
                                   order by case_position) as nth from a0),
b as (select *, row_number() over (partition by case_key, prompt, provider, repeat
                                   order by case_position) as nth from b0),
j as materialized (
  select
    coalesce(b.case_position, a.case_position) as pos,
    case when b.id is null then 1 else 0 end as side,
    coalesce(b.prompt, a.prompt) as prompt_label,
    coalesce(b.provider, a.provider) as provider,
    coalesce(b.repeat, a.repeat) as repeat,
    coalesce(b.vars, a.vars) as vars,
    coalesce(b.description, a.description) as description,
    case when a.id is null then 'new' when b.id is null then 'removed'
         when a.outcome in ('fail', 'error') and b.outcome = 'pass' then 'improved'
         when a.outcome = 'pass' and b.outcome in ('fail', 'error') then 'regressed'
         else 'unchanged' end as change,
    case when a.id is null then null else jsonb_build_object(
      'cell_id', a.id, 'case_position', a.case_position, 'outcome', a.outcome,
      'passed', a.passed, 'score', a.score, 'output', a.output, 'error', a.error) end as base,
    case when b.id is null then null else jsonb_build_object(
      'cell_id', b.id, 'case_position', b.case_position, 'outcome', b.outcome,
      'passed', b.passed, 'score', b.score, 'output', b.output, 'error', b.error) end as head
  from a full join b on a.case_key = b.case_key and a.prompt = b.prompt
    and a.provider = b.provider and a.repeat = b.repeat and a.nth = b.nth
),
page as (
  select * from j
  where (%(all_changes)s or change = any(%(changes)s))
    and (%(prompt)s::text is null or prompt_label = %(prompt)s)
    and (%(provider)s::text is null or provider = %(provider)s)
    and (not %(has_after)s or (pos, side, prompt_label, provider, repeat)
         > (%(k0)s::int, %(k1)s::int, %(k2)s::text, %(k3)s::text, %(k4)s::int))
  order by pos, side, prompt_label, provider, repeat
  limit %(limit)s
)
select
  (select jsonb_object_agg(change, n) from (select change, count(*) as n from j group by change) s)
    as counts,
  (select jsonb_agg(to_jsonb(page) order by pos, side, prompt_label, provider, repeat) from page)
    as items
"""
