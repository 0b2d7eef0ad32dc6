-- AlterTable
ALTER TABLE "checkout"."outbox" ADD COLUMN     "traceparent" VARCHAR(55);

-- AlterTable
ALTER TABLE "runtime"."scheduled_jobs" ADD COLUMN     "traceparent" VARCHAR(55);
