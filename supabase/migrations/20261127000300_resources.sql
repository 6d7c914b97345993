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

-- Results filtered by outcome walk only the matching rows of one run.
create index results_failed_by_run on public.results (run_id) where passed = false and error is null;
create index results_errors_by_run on public.results (run_id) where error is not null;

-- Runs of a test set version ("last run" of a test set) and newest-first lists.
create index runs_by_test_set_version on public.runs (test_set_version_id, created_at desc);
create index runs_by_workspace_id on public.runs (workspace_id, created_at desc, id desc);

-- Lists of test sets and prompts are paged by name.
create index prompt_versions_by_prompt on public.prompt_versions (prompt_id, version desc);
