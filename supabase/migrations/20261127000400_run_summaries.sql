-- A finished run's progress and aggregates per prompt × model, kept on the run by the first read
-- after it ends: recomputing them from 100,000 results on every read costs most of a second.
-- `summary` is {"progress": {...}, "rows": [...]}; null while nothing is kept.
alter table public.runs
  add column summary jsonb,
  add column summary_at timestamptz;

-- A kept summary is forgotten whenever the run's status changes (a resumed run) ...
create function public.runs_forget_summary() returns trigger
language plpgsql as $$
begin
  if new.status is distinct from old.status then
    new.summary := null;
    new.summary_at := null;
  end if;
  return new;
end
$$;
create trigger runs_forget_summary before update of status on public.runs
  for each row execute function public.runs_forget_summary();

-- ... or its results change (a call in flight when the run was cancelled, a retry of errors).
-- Statement-level: one update per batch of results the engine writes, none while a run has no
-- kept summary. Security definer: the writer's role need not be able to update runs.
create function public.results_forget_run_summaries() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  update public.runs r set summary = null, summary_at = null
  where r.id in (select distinct c.run_id from changed c) and r.summary is not null;
  return null;
end
$$;
create trigger results_forget_summaries_on_insert after insert on public.results
  referencing new table as changed
  for each statement execute function public.results_forget_run_summaries();
create trigger results_forget_summaries_on_delete after delete on public.results
  referencing old table as changed
  for each statement execute function public.results_forget_run_summaries();
