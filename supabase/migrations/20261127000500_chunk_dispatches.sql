-- When each chunk of a run was last put on the queue. CheckProgress re-enqueues a chunk whose
-- cells sit pending with no live lease long after its last message was sent (the message was
-- lost, deleted or dead-lettered before the drain ran); the conditional update on `sent_at`
-- lets only one of two concurrent checks send it.
create table public.chunk_dispatches (
  run_id uuid not null,
  chunk integer not null,
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  sent_at timestamptz not null default now(),
  sends integer not null default 1,
  primary key (run_id, chunk),
  foreign key (workspace_id, run_id) references public.runs (workspace_id, id) on delete cascade
);
alter table public.chunk_dispatches enable row level security;
create policy chunk_dispatches_member_access on public.chunk_dispatches for all to authenticated
  using (workspace_id in (select public.my_workspace_ids()))
  with check (workspace_id in (select public.my_workspace_ids()));
grant select, insert, update, delete on public.chunk_dispatches to authenticated, service_role;
