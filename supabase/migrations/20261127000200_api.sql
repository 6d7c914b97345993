-- What the HTTP API needs from the database: a personal workspace made on a user's first
-- request, API-key lookup without exposing api_keys to the caller, and API keys confined to
-- their workspace by Row Level Security itself (not only by the routes).

-- A request made with an API key carries `assay_workspace_id` in its claims; membership then
-- counts only for that workspace, so a key never reaches its creator's other workspaces.
create or replace function public.is_workspace_member(ws uuid) returns boolean
language sql stable security definer set search_path = '' as $$
  select exists (
    select 1 from public.members m where m.workspace_id = ws and m.user_id = auth.uid()
  ) and coalesce((auth.jwt() ->> 'assay_workspace_id')::uuid = ws, true)
$$;

-- The caller's personal workspace, created with an owner membership on first use. Concurrent
-- first requests meet on the unique index workspaces_one_personal: one inserts, the others wait,
-- find the row and return the same id.
create function public.ensure_personal_workspace() returns uuid
language plpgsql volatile security definer set search_path = '' as $$
declare
  uid uuid := auth.uid();
  ws uuid;
begin
  if uid is null then
    raise exception 'no authenticated user' using errcode = '28000';
  end if;
  select w.id into ws from public.workspaces w where w.owner_id = uid and w.personal;
  if ws is null then
    insert into public.workspaces (name, owner_id, personal)
    values ('Personal workspace', uid, true)
    on conflict (owner_id) where personal do nothing
    returning id into ws;
    if ws is null then
      select w.id into ws from public.workspaces w where w.owner_id = uid and w.personal;
    end if;
  end if;
  if not exists (
    select 1 from public.members m where m.workspace_id = ws and m.user_id = uid
  ) then
    insert into public.members (workspace_id, user_id, role) values (ws, uid, 'owner')
    on conflict do nothing;
  end if;
  return ws;
end
$$;
revoke execute on function public.ensure_personal_workspace() from public;
grant execute on function public.ensure_personal_workspace() to authenticated;

-- Who an API key acts as: its creator, in its workspace, while the key is not revoked and the
-- creator is still a member. last_used_at moves at most once a minute and never waits on a
-- row lock, so busy keys do not serialise their requests.
create function public.api_key_principal(hash text)
returns table (key_id uuid, workspace_id uuid, user_id uuid)
language plpgsql volatile security definer set search_path = '' as $$
declare
  hit record;
begin
  select k.id, k.workspace_id, k.created_by, k.last_used_at into hit
  from public.api_keys k
  join public.members m on m.workspace_id = k.workspace_id and m.user_id = k.created_by
  where k.key_hash = hash and k.revoked_at is null;
  if not found then
    return;
  end if;
  if hit.last_used_at is null or hit.last_used_at < now() - interval '1 minute' then
    update public.api_keys set last_used_at = now()
    where id = (
      select k.id from public.api_keys k where k.id = hit.id for update skip locked
    );
  end if;
  key_id := hit.id;
  workspace_id := hit.workspace_id;
  user_id := hit.created_by;
  return next;
end
$$;
revoke execute on function public.api_key_principal(text) from public;
grant execute on function public.api_key_principal(text) to authenticated;
