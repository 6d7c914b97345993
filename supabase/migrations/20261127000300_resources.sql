-- What the HTTP API's resources need beyond the core tables: the cached model catalog and the
-- indexes behind results paging, run lists and version lookups.

-- The OpenRouter catalog, cached per workspace: a refresh is requested by a user through the
-- API (acting as role authenticated), so the rows live under RLS like every other user table
-- rather than in a global table any member of any workspace could overwrite.
create table public.model_catalog (
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  model_id text not null check (length(model_id) between 1 and 300),
  name text,
  context_length integer,
  prompt_price double precision,
  completion_price double precision,
  refreshed_at timestamptz not null default now(),
  primary key (workspace_id, model_id)
);
alter table public.model_catalog enable row level security;
create policy model_catalog_member_access on public.model_catalog for all to authenticated
  using (public.is_workspace_member(workspace_id))
  with check (public.is_workspace_member(workspace_id));
grant select, insert, update, delete on public.model_catalog to authenticated, service_role;

-- Results pages are ordered by (case, prompt, model, repeat). Results carry their cell's
-- positions (filled by a trigger, so the engine's writes are unchanged) and a page filtered on
-- the result (outcome, text) walks one index of the run in page order and stops after 100 rows.
alter table public.results
  add column case_position integer,
  add column prompt_position integer,
  add column provider_position integer,
  add column repeat integer;

create function public.results_positions() returns trigger
language plpgsql as $$
begin
  select c.case_position, c.prompt_position, c.provider_position, c.repeat
    into new.case_position, new.prompt_position, new.provider_position, new.repeat
    from public.cells c where c.id = new.cell_id;
  return new;
end
$$;
create trigger results_positions before insert on public.results
  for each row execute function public.results_positions();

update public.results r set case_position = c.case_position,
  prompt_position = c.prompt_position, provider_position = c.provider_position,
  repeat = c.repeat
from public.cells c where c.id = r.cell_id;

create index results_in_page_order on public.results
  (run_id, case_position, prompt_position, provider_position, repeat);
create index results_failed_in_page_order on public.results
  (run_id, case_position, prompt_position, provider_position, repeat)
  where passed = false and error is null;
create index results_errors_in_page_order on public.results
  (run_id, case_position, prompt_position, provider_position, repeat)
  where error is not null;

-- Runs of a test set version ("last run" of a test set) and newest-first lists.
create index runs_by_test_set_version on public.runs (test_set_version_id, created_at desc);
create index runs_by_workspace_id on public.runs (workspace_id, created_at desc, id desc);

-- Lists of test sets and prompts are paged by name.
create index prompt_versions_by_prompt on public.prompt_versions (prompt_id, version desc);

-- Row Level Security at scale: the core policies call is_workspace_member(workspace_id) once per
-- row, which costs seconds on a 1,000,000-row run. The same rule written as membership in the
-- caller's workspace ids is an uncorrelated subquery that Postgres evaluates once per statement.
create function public.my_workspace_ids() returns setof uuid
language sql stable security definer set search_path = '' as $$
  select m.workspace_id from public.members m where m.user_id = auth.uid()
$$;
revoke execute on function public.my_workspace_ids() from public;
grant execute on function public.my_workspace_ids() to authenticated, service_role;

do $$
declare t text;
begin
  foreach t in array array[
    'api_keys', 'test_sets', 'test_cases', 'test_set_versions', 'test_set_version_cases',
    'prompts', 'prompt_versions', 'runs', 'run_prompts', 'run_providers', 'cells', 'results',
    'response_cache', 'model_catalog'
  ] loop
    execute format(
      'alter policy %I on public.%I '
      'using (workspace_id in (select public.my_workspace_ids())) '
      'with check (workspace_id in (select public.my_workspace_ids()))',
      t || '_member_access', t
    );
  end loop;
end
$$;
