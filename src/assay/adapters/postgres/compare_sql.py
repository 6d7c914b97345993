"""The SQL that matches two runs cell by cell and classifies every pair."""

from __future__ import annotations

# A cell's identity across runs: the case's vars (the nth case with those vars), the prompt and
# model labels, and the repeat. Matching on vars rather than the case's content hash keeps cases
# comparable when only assertions changed between the runs. Only keys and outcomes are carried
# through the join; outputs are read for the rows of the page alone.
_SIDE = """
  select c.id, c.case_position, c.repeat, k.nth,
    -- byte-wise collation: matching needs equality only, and sorting by it is far cheaper
    p.label collate "C" as prompt, v.label collate "C" as provider, k.case_key collate "C"
      as case_key,
    case when r.error is not null or c.state = 'failed' then 'error'
         when c.state = 'cancelled' then 'cancelled'
         when r.passed then 'pass' when r.passed = false then 'fail' else 'pending' end as outcome
  from cells c
  join run_prompts p on p.run_id = c.run_id and p.position = c.prompt_position
  join run_providers v on v.run_id = c.run_id and v.position = c.provider_position
  join (
    -- the nth case with the same vars in this run, ranked per case rather than per cell
    select d.case_position, d.case_key,
      row_number() over (partition by d.case_key order by d.case_position) as nth
    from (
      select x.case_position,
        coalesce(md5((t.body -> 'vars')::text), 'position ' || x.case_position) as case_key
      from (select distinct case_position, test_case_id from cells
            where workspace_id = %(ws)s and run_id = {run}) x
      left join test_cases t on t.id = x.test_case_id
    ) d
  ) k on k.case_position = c.case_position
  left join results r on r.cell_id = c.id and r.run_id = {run}
  where c.workspace_id = %(ws)s and c.run_id = {run}
"""

_SIDE_OUT = """
  case when pg.{s}_id is null then null else jsonb_build_object(
    'cell_id', pg.{s}_id, 'case_position', pg.{s}_pos, 'outcome', pg.{s}_outcome,
    'passed', {s}r.passed, 'score', {s}r.score, 'output', {s}r.output,
    'error', coalesce({s}r.error, {s}c.error)) end
"""

COMPARE = f"""
with a as ({_SIDE.format(run="%(base)s")}),
b as ({_SIDE.format(run="%(head)s")}),
j as materialized (
  select
    coalesce(b.case_position, a.case_position) as pos,
    case when b.id is null then 1 else 0 end as side,
    coalesce(b.prompt, a.prompt) as prompt_label,
    coalesce(b.provider, a.provider) as provider,
    coalesce(b.repeat, a.repeat) as repeat,
    case when a.id is null then 'new' when b.id is null then 'removed'
         when a.outcome in ('fail', 'error') and b.outcome = 'pass' then 'improved'
         when a.outcome = 'pass' and b.outcome in ('fail', 'error') then 'regressed'
         else 'unchanged' end as change,
    a.id as a_id, a.case_position as a_pos, a.outcome as a_outcome,
    b.id as b_id, b.case_position as b_pos, b.outcome as b_outcome
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
),
shown as (
  select pg.pos, pg.side, pg.prompt_label, pg.provider, pg.repeat, pg.change,
    coalesce(bt.body, at.body) -> 'vars' as vars,
    coalesce(bt.body, at.body) ->> 'description' as description,
    {_SIDE_OUT.format(s="a")} as base,
    {_SIDE_OUT.format(s="b")} as head
  from page pg
  left join cells ac on ac.id = pg.a_id
  left join results ar on ar.cell_id = pg.a_id
  left join test_cases at on at.id = ac.test_case_id
  left join cells bc on bc.id = pg.b_id
  left join results br on br.cell_id = pg.b_id
  left join test_cases bt on bt.id = bc.test_case_id
)
select
  (select jsonb_object_agg(change, n) from (
     select change, count(*) as n from j
     where (%(prompt)s::text is null or prompt_label = %(prompt)s)
       and (%(provider)s::text is null or provider = %(provider)s)
     group by change) s) as counts,
  (select jsonb_agg(to_jsonb(shown) order by pos, side, prompt_label, provider, repeat)
   from shown) as items
"""
