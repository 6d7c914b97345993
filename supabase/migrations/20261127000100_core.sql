-- The core data of Assay: workspaces, test sets with immutable versions, prompts with versions,
-- runs, cells, results and the response cache. Every user table carries workspace_id and is
-- guarded by Row Level Security on auth.uid(); the run engine connects as the owner role.

create table public.workspaces (
  id uuid primary key default gen_random_uuid(),
  name text not null check (length(name) between 1 and 200),
  owner_id uuid,
  personal boolean not null default false,
  created_at timestamptz not null default now()
);
create unique index workspaces_one_personal on public.workspaces (owner_id) where personal;

create table public.members (
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  user_id uuid not null,
  role text not null default 'member' check (role in ('owner', 'admin', 'member')),
  created_at timestamptz not null default now(),
  primary key (workspace_id, user_id)
);
create index members_by_user on public.members (user_id);

create table public.api_keys (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  name text not null check (length(name) between 1 and 200),
  prefix text not null unique,
  key_hash text not null unique,
  created_by uuid,
  created_at timestamptz not null default now(),
  last_used_at timestamptz,
  revoked_at timestamptz
);
create index api_keys_by_workspace on public.api_keys (workspace_id);

create table public.test_sets (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  name text not null check (length(name) between 1 and 200),
  description text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (workspace_id, name),
  unique (workspace_id, id)
);

-- Cases are content-addressed within their test set, so versions share unchanged cases.
create table public.test_cases (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  test_set_id uuid not null,
  content_hash text not null,
  body jsonb not null,
  created_at timestamptz not null default now(),
  unique (test_set_id, content_hash),
  unique (workspace_id, id),
  foreign key (workspace_id, test_set_id)
    references public.test_sets (workspace_id, id) on delete cascade
);

create table public.test_set_versions (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  test_set_id uuid not null,
  version integer not null check (version >= 1),
  content_hash text not null,
  case_count integer not null default 0,
  note text,
  created_at timestamptz not null default now(),
  unique (test_set_id, version),
  unique (workspace_id, id),
  foreign key (workspace_id, test_set_id)
    references public.test_sets (workspace_id, id) on delete cascade
);
create index test_set_versions_by_hash on public.test_set_versions (test_set_id, content_hash);

create table public.test_set_version_cases (
  test_set_version_id uuid not null,
  position integer not null check (position >= 0),
  test_case_id uuid not null,
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  primary key (test_set_version_id, position),
  foreign key (workspace_id, test_set_version_id)
    references public.test_set_versions (workspace_id, id) on delete cascade,
  foreign key (workspace_id, test_case_id)
    references public.test_cases (workspace_id, id) on delete cascade
);

create table public.prompts (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  name text not null check (length(name) between 1 and 200),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (workspace_id, name),
  unique (workspace_id, id)
);

create table public.prompt_versions (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  prompt_id uuid not null,
  version integer not null check (version >= 1),
  content_hash text not null,
  body jsonb not null,
  variables text[] not null default '{}',
  created_at timestamptz not null default now(),
  unique (prompt_id, version),
  unique (prompt_id, content_hash),
  unique (workspace_id, id),
  foreign key (workspace_id, prompt_id)
    references public.prompts (workspace_id, id) on delete cascade
);

create table public.runs (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  name text,
  status text not null default 'queued'
    check (status in ('queued', 'running', 'completed', 'failed', 'cancelled')),
  test_set_version_id uuid,
  spec jsonb not null default '{}'::jsonb,
  total_cells integer not null default 0,
  error text,
  created_by uuid,
  created_at timestamptz not null default now(),
  started_at timestamptz,
  finished_at timestamptz,
  unique (workspace_id, id),
  foreign key (workspace_id, test_set_version_id)
    references public.test_set_versions (workspace_id, id) on delete set null (test_set_version_id)
);
create index runs_by_workspace on public.runs (workspace_id, created_at desc);

create table public.run_prompts (
  run_id uuid not null,
  position integer not null,
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  prompt_version_id uuid,
  label text not null,
  body jsonb not null,
  primary key (run_id, position),
  foreign key (workspace_id, run_id) references public.runs (workspace_id, id) on delete cascade,
  foreign key (workspace_id, prompt_version_id)
    references public.prompt_versions (workspace_id, id) on delete set null (prompt_version_id)
);

create table public.run_providers (
  run_id uuid not null,
  position integer not null,
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  label text not null,
  provider jsonb not null,
  primary key (run_id, position),
  foreign key (workspace_id, run_id) references public.runs (workspace_id, id) on delete cascade
);

create table public.cells (
  id uuid primary key,
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  run_id uuid not null,
  chunk integer not null,
  case_position integer not null,
  test_case_id uuid,
  prompt_position integer not null,
  provider_position integer not null,
  repeat integer not null default 0,
  state text not null default 'pending'
    check (state in ('pending', 'leased', 'done', 'failed', 'cancelled')),
  attempts integer not null default 0,
  lease_owner text,
  lease_until timestamptz,
  error text,
  updated_at timestamptz not null default now(),
  unique (run_id, case_position, prompt_position, provider_position, repeat),
  unique (workspace_id, id),
  foreign key (workspace_id, run_id) references public.runs (workspace_id, id) on delete cascade,
  foreign key (workspace_id, test_case_id)
    references public.test_cases (workspace_id, id) on delete set null (test_case_id)
);
create index cells_by_chunk on public.cells (run_id, chunk);
create index cells_by_state on public.cells (run_id, state);

create table public.results (
  cell_id uuid primary key,
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  run_id uuid not null,
  output text,
  finish_reason text,
  prompt_tokens integer,
  completion_tokens integer,
  total_tokens integer,
  cost double precision,
  latency_ms double precision,
  cached boolean not null default false,
  error text,
  error_code text,
  passed boolean,
  score double precision,
  grading jsonb,
  attempts integer not null default 1,
  created_at timestamptz not null default now(),
  foreign key (workspace_id, cell_id) references public.cells (workspace_id, id) on delete cascade,
  foreign key (workspace_id, run_id) references public.runs (workspace_id, id) on delete cascade
);
create index results_by_run on public.results (run_id, passed);

create table public.response_cache (
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  key text not null,
  model text not null,
  response jsonb not null,
  created_at timestamptz not null default now(),
  primary key (workspace_id, key)
);

-- Membership check used by every policy; security definer so policies on members do not recurse.
create function public.is_workspace_member(ws uuid) returns boolean
language sql stable security definer set search_path = '' as $$
  select exists (
    select 1 from public.members m where m.workspace_id = ws and m.user_id = auth.uid()
  )
$$;
revoke execute on function public.is_workspace_member(uuid) from public;
grant execute on function public.is_workspace_member(uuid) to authenticated, service_role;

alter table public.workspaces enable row level security;
create policy workspaces_member_read on public.workspaces for select to authenticated
  using (public.is_workspace_member(id));
create policy workspaces_owner_write on public.workspaces for update to authenticated
  using (owner_id = auth.uid()) with check (owner_id = auth.uid());

alter table public.members enable row level security;
create policy members_read on public.members for select to authenticated
  using (user_id = auth.uid() or public.is_workspace_member(workspace_id));

do $$
declare t text;
begin
  foreach t in array array[
    'api_keys', 'test_sets', 'test_cases', 'test_set_versions', 'test_set_version_cases',
    'prompts', 'prompt_versions', 'runs', 'run_prompts', 'run_providers', 'cells', 'results',
    'response_cache'
  ] loop
    execute format('alter table public.%I enable row level security', t);
    execute format(
      'create policy %I on public.%I for all to authenticated '
      'using (public.is_workspace_member(workspace_id)) '
      'with check (public.is_workspace_member(workspace_id))',
      t || '_member_access', t
    );
  end loop;
end
$$;

grant usage on schema public to anon, authenticated, service_role;
grant select, insert, update, delete on all tables in schema public to authenticated, service_role;
