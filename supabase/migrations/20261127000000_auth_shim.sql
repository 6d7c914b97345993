-- What Supabase provides and plain PostgreSQL lacks: the auth schema, auth.uid(), auth.jwt(),
-- auth.users and the API roles. Each piece is created only when absent, so this file is a no-op
-- on Supabase and makes any other PostgreSQL 15+ look the same to the migrations after it.

-- Existence is checked before every create: even "if not exists" needs the CREATE privilege,
-- which Supabase does not give the migrating role on its auth schema.
do $$
begin
  if not exists (select 1 from pg_namespace where nspname = 'auth') then
    create schema auth;
  end if;
  if not exists (select 1 from pg_namespace where nspname = 'extensions') then
    create schema extensions;
  end if;
end
$$;

-- Roles are cluster-wide: a migrator in another database may create one at the same moment.
do $$
begin
  if not exists (select 1 from pg_roles where rolname = 'anon') then
    begin
      create role anon nologin noinherit;
    exception when duplicate_object or unique_violation then null;
    end;
  end if;
  if not exists (select 1 from pg_roles where rolname = 'authenticated') then
    begin
      create role authenticated nologin noinherit;
    exception when duplicate_object or unique_violation then null;
    end;
  end if;
  if not exists (select 1 from pg_roles where rolname = 'service_role') then
    begin
      create role service_role nologin noinherit bypassrls;
    exception when duplicate_object or unique_violation then null;
    end;
  end if;
end
$$;

do $$
begin
  if not exists (
    select 1 from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname = 'auth' and p.proname = 'jwt'
  ) then
    execute $f$
      create function auth.jwt() returns jsonb language sql stable as $b$
        select coalesce(
          nullif(current_setting('request.jwt.claim', true), ''),
          nullif(current_setting('request.jwt.claims', true), '')
        )::jsonb
      $b$
    $f$;
  end if;
  if not exists (
    select 1 from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname = 'auth' and p.proname = 'uid'
  ) then
    execute $f$
      create function auth.uid() returns uuid language sql stable as $b$
        select coalesce(
          nullif(current_setting('request.jwt.claim.sub', true), ''),
          (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')
        )::uuid
      $b$
    $f$;
  end if;
end
$$;

do $$
begin
  if to_regclass('auth.users') is null then
    create table auth.users (
      id uuid primary key,
      email text,
      created_at timestamptz not null default now()
    );
  end if;
end
$$;

-- Grant only on what this role owns (what the shim made); Supabase has granted its own.
do $$
begin
  if pg_has_role((select nspowner from pg_namespace where nspname = 'auth'), 'usage') then
    grant usage on schema auth to anon, authenticated, service_role;
  end if;
  if pg_has_role((select proowner from pg_proc where oid = 'auth.uid()'::regprocedure), 'usage')
  then
    grant execute on function auth.uid() to anon, authenticated, service_role;
  end if;
  if pg_has_role((select proowner from pg_proc where oid = 'auth.jwt()'::regprocedure), 'usage')
  then
    grant execute on function auth.jwt() to anon, authenticated, service_role;
  end if;
end
$$;
