-- The dead-letter store and the operators' audit log move from checkout's schema to the
-- operations service's, which drains the DLQs and serves the operators' API now. SET SCHEMA
-- keeps every row, and takes the tables' indexes, constraints and owned sequence (seq) along;
-- the enum types move with them.
CREATE SCHEMA IF NOT EXISTS "operations";

ALTER TYPE "checkout"."dead_letter_state" SET SCHEMA "operations";
ALTER TYPE "checkout"."dead_letter_action_kind" SET SCHEMA "operations";

ALTER TABLE "checkout"."dead_letters" SET SCHEMA "operations";
ALTER TABLE "checkout"."dead_letter_actions" SET SCHEMA "operations";

-- A moved table keeps its grants: where deploy/postgres/service-roles.sql made the roles first,
-- checkout could still read the store and operations could not. The grants follow the tables
-- to their new owner's role. Without the roles (a development database), there is none to move.
DO $$
BEGIN
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'checkout') THEN
    REVOKE ALL ON "operations"."dead_letters", "operations"."dead_letter_actions" FROM checkout;
    REVOKE ALL ON SEQUENCE "operations"."dead_letters_seq_seq" FROM checkout;
  END IF;
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'operations') THEN
    GRANT SELECT, INSERT, UPDATE, DELETE
      ON "operations"."dead_letters", "operations"."dead_letter_actions" TO operations;
    GRANT USAGE, SELECT ON SEQUENCE "operations"."dead_letters_seq_seq" TO operations;
  END IF;
END
$$;
