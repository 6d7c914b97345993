-- A cell whose call was in flight when its run was cancelled kept the paid result but stayed
-- 'cancelled': counted twice (as cancelled, and as a pass, fail or error), and called again,
-- paid twice, when the run was resumed. A cell with a stored result is done or failed; the
-- engine keeps it so from now on, and this repairs the cells stored before.
with repaired as (
  update public.cells c
  set state = case when r.error is null then 'done' else 'failed' end,
      error = r.error, updated_at = now()
  from public.results r
  where r.cell_id = c.id and c.state = 'cancelled'
  returning c.run_id
)
-- the reports kept on their runs counted those cells as cancelled: the next read recomputes
update public.runs set summary = null, summary_at = null
where id in (select run_id from repaired) and summary is not null;
