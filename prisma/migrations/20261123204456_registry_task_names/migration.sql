-- Task names now come from the service registry, so the column holds text instead of an
-- enum, and a new consumer needs no migration here. Existing rows keep their values.
ALTER TABLE "checkout"."fulfillment_tasks" ALTER COLUMN "task" TYPE TEXT USING "task"::text;

DROP TYPE "checkout"."fulfillment_task_name";
