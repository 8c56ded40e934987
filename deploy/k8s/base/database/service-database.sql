-- One service's database, owned by the service's own role, which may reach nothing else: run by
-- an administrator (the superuser, or a role with CREATEROLE and CREATEDB) as
--   psql -v url_file=/path/to/the/service/DATABASE_URL -f service-database.sql
-- The file holds the service's DATABASE_URL, postgres://role:password@host:port/database, so the
-- role, its password and the database come from the one value the service connects with (and no
-- password appears on a command line). Safe to run again: it sets the password and the privileges
-- again, and hands the role whatever an earlier superuser-run deployment created in the database.
\set ON_ERROR_STOP on
\set QUIET on
\set url `cat :'url_file'`

SELECT :'url' ~ '^postgres(ql)?://[a-z_][a-z0-9_]*:[A-Za-z0-9._~-]+@[^/@]+/[a-z_][a-z0-9_]*([?].*)?$' AS url_ok \gset
\if :url_ok
\else
  DO $$ BEGIN RAISE EXCEPTION 'service-database: the URL file must hold postgres://role:password@host:port/database (lower-case names, a URL-safe password such as openssl rand -hex 24)'; END $$;
\endif
SELECT m[1] AS role, m[2] AS password, m[3] AS database
  FROM regexp_match(:'url', '^postgres(?:ql)?://([^:]+):([^@]+)@[^/]+/([^?]+)') AS m \gset
\unset url

SELECT :'role' LIKE 'pg\_%' OR :'role' = current_user OR EXISTS (SELECT FROM pg_roles WHERE rolname = :'role' AND rolsuper) AS bad_role \gset
\if :bad_role
  DO $$ BEGIN RAISE EXCEPTION 'service-database: a service must connect as a role of its own, not as a superuser or the administrator'; END $$;
\endif

SELECT rolsuper AS administrator_is_superuser FROM pg_roles WHERE rolname = current_user \gset
SELECT format('CREATE ROLE %I', :'role') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'role') \gexec
SELECT format('ALTER ROLE %I WITH LOGIN NOCREATEDB NOCREATEROLE PASSWORD %L', :'role', :'password') \gexec
\if :administrator_is_superuser
  SELECT format('ALTER ROLE %I WITH NOSUPERUSER NOREPLICATION NOBYPASSRLS', :'role') \gexec
\else
  -- A CREATEROLE administrator (managed PostgreSQL) gives a database away only to a role it belongs to.
  SELECT format('GRANT %I TO %I', :'role', current_user) WHERE NOT pg_has_role(current_user, :'role', 'MEMBER') \gexec
\endif
\unset password

SELECT format('CREATE DATABASE %I OWNER %I', :'database', :'role') WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'database') \gexec
SELECT format('ALTER DATABASE %I OWNER TO %I', :'database', :'role') \gexec
-- Every role is a member of PUBLIC, which may connect to any new database: not to this one.
SELECT format('REVOKE ALL ON DATABASE %I FROM PUBLIC', :'database') \gexec

\connect :"database"
\set ON_ERROR_STOP on
-- PostgreSQL 15 and later: public belongs to pg_database_owner, i.e. to the role. Earlier
-- versions let PUBLIC create there.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
-- Tables, views, sequences and enum types an earlier deployment created as the superuser.
SELECT format('ALTER TABLE public.%I OWNER TO %I', c.relname, :'role')
  FROM pg_class c
 WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
   AND c.relowner <> :'role'::regrole
   AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('a', 'i')) \gexec
SELECT format('ALTER TYPE public.%I OWNER TO %I', t.typname, :'role')
  FROM pg_type t
 WHERE t.typnamespace = 'public'::regnamespace AND t.typtype IN ('e', 'd', 'c') AND t.typrelid = 0
   AND t.typowner <> :'role'::regrole \gexec
\echo service-database: :database is owned by :role
