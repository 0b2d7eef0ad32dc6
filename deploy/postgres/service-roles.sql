-- One login role per service, limited to the Postgres schema of the same name, and the
-- migration role `migrator`, which owns the database and everything the migrations create.
-- deploy/postgres/README.md says what each may do and why.
--
-- Run it as a superuser, in the application's database, before the first migration (the
-- compose postgres container runs it through init-service-roles.sh when its volume is new):
--
--   psql -d shop -v migrator_password=... -v checkout_password=... -v email_password=... \
--     -v pdf_password=... -v inventory_password=... -v analytics_password=... \
--     -f deploy/postgres/service-roles.sql
--
-- Running it again is safe: it sets the passwords again and grants what is missing. On a
-- database that was migrated by another role, it hands the existing objects to migrator.
-- \gexec runs every row of the query before it as a statement, which is how a psql script
-- repeats a statement per service.

\set ON_ERROR_STOP on

-- The services: each has a login role and a schema of this name (prisma/schema.prisma's
-- @@schema). A new consumer is one more name here, and one more password below.
\set services 'checkout,email,pdf,inventory,analytics'
-- Schemas that belong to no one service: the messaging runtime's coordination state (pause,
-- circuit breaker, rate limits, scheduled jobs), which every service uses, and the simulated
-- payment gateway's ledger, which checkout runs in-process (a real gateway keeps it elsewhere).
\set schemas 'checkout,email,pdf,inventory,analytics,runtime,gateway'

-- Roles -------------------------------------------------------------------------------------

SELECT format('CREATE ROLE %I LOGIN', role)
FROM unnest(array_prepend('migrator', string_to_array(:'services', ','))) AS role
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = role)
\gexec

ALTER ROLE migrator PASSWORD :'migrator_password';
ALTER ROLE checkout PASSWORD :'checkout_password';
ALTER ROLE email PASSWORD :'email_password';
ALTER ROLE pdf PASSWORD :'pdf_password';
ALTER ROLE inventory PASSWORD :'inventory_password';
ALTER ROLE analytics PASSWORD :'analytics_password';

-- The database --------------------------------------------------------------------------------

-- migrator owns it, so it can create schemas (a new consumer's) and, since PostgreSQL 15 where
-- only the database owner may create in `public`, Prisma's _prisma_migrations table there.
SELECT format('ALTER DATABASE %I OWNER TO migrator', current_database())
\gexec
GRANT USAGE, CREATE ON SCHEMA public TO migrator;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;

-- Only the roles named here may connect (PUBLIC may by default), and none may create temporary
-- tables.
SELECT format('REVOKE ALL ON DATABASE %I FROM PUBLIC', current_database())
\gexec
SELECT format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), service)
FROM unnest(string_to_array(:'services', ',')) AS service
\gexec

-- The schemas, made here rather than by the first migration so that the default privileges
-- below can name them; the migration's CREATE SCHEMA IF NOT EXISTS then finds them.
SELECT format('CREATE SCHEMA IF NOT EXISTS %I AUTHORIZATION migrator', schema)
FROM unnest(string_to_array(:'schemas', ',')) AS schema
\gexec

-- Objects someone else created (migrations run as postgres before this script) go to
-- migrator, so that later migrations can alter them.
SELECT format('ALTER SCHEMA %I OWNER TO migrator', nspname)
FROM pg_namespace
WHERE nspname = ANY (string_to_array(:'schemas', ',')) AND nspowner <> 'migrator'::regrole
\gexec
SELECT format('ALTER TABLE %I.%I OWNER TO migrator', schemaname, tablename)
FROM pg_tables
WHERE (schemaname = ANY (string_to_array(:'schemas', ','))
    OR (schemaname = 'public' AND tablename = '_prisma_migrations'))
  AND tableowner <> 'migrator'
\gexec
SELECT format('ALTER TYPE %I.%I OWNER TO migrator', n.nspname, t.typname)
FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
WHERE n.nspname = ANY (string_to_array(:'schemas', ',')) AND t.typtype = 'e'
  AND t.typowner <> 'migrator'::regrole
\gexec
SELECT format('ALTER FUNCTION %s OWNER TO migrator', p.oid::regprocedure)
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname = ANY (string_to_array(:'schemas', ',')) AND p.proowner <> 'migrator'::regrole
\gexec

-- Each service in its own schema -------------------------------------------------------------

-- Reading and writing its tables (and using their sequences), no DDL: the schema, its tables
-- and their structure belong to migrator. Other schemas grant it nothing.
SELECT format('GRANT USAGE ON SCHEMA %1$I TO %1$I', service)
FROM unnest(string_to_array(:'services', ',')) AS service
\gexec
SELECT format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA %1$I TO %1$I', service)
FROM unnest(string_to_array(:'services', ',')) AS service
\gexec
SELECT format('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA %1$I TO %1$I', service)
FROM unnest(string_to_array(:'services', ',')) AS service
\gexec

-- The same for every table and sequence a later migration creates: default privileges apply
-- to objects that migrator creates in the schema from now on.
-- https://www.postgresql.org/docs/current/sql-alterdefaultprivileges.html
SELECT format(
  'ALTER DEFAULT PRIVILEGES FOR ROLE migrator IN SCHEMA %1$I GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO %1$I',
  service)
FROM unnest(string_to_array(:'services', ',')) AS service
\gexec
SELECT format(
  'ALTER DEFAULT PRIVILEGES FOR ROLE migrator IN SCHEMA %1$I GRANT USAGE, SELECT ON SEQUENCES TO %1$I',
  service)
FROM unnest(string_to_array(:'services', ',')) AS service
\gexec

-- The shared schemas ----------------------------------------------------------------------------

-- runtime: every service reads and writes it (through @shop/shared only; docs/job-controls.md).
-- gateway: checkout alone. Same rights as in a service's own schema, no DDL.
SELECT format('GRANT USAGE ON SCHEMA %I TO %I', grantee.schema, grantee.role)
FROM (SELECT 'runtime' AS schema, role FROM unnest(string_to_array(:'services', ',')) AS role
      UNION ALL SELECT 'gateway', 'checkout') AS grantee
\gexec
SELECT format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA %I TO %I', grantee.schema, grantee.role)
FROM (SELECT 'runtime' AS schema, role FROM unnest(string_to_array(:'services', ',')) AS role
      UNION ALL SELECT 'gateway', 'checkout') AS grantee
\gexec
SELECT format(
  'ALTER DEFAULT PRIVILEGES FOR ROLE migrator IN SCHEMA %I GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO %I',
  grantee.schema, grantee.role)
FROM (SELECT 'runtime' AS schema, role FROM unnest(string_to_array(:'services', ',')) AS role
      UNION ALL SELECT 'gateway', 'checkout') AS grantee
\gexec
