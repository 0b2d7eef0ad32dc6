-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "runtime";

-- CreateTable
CREATE TABLE "runtime"."consumer_controls" (
    "service" TEXT NOT NULL,
    "paused_at" TIMESTAMPTZ(3),
    "paused_by" TEXT,
    "circuit" TEXT NOT NULL DEFAULT 'closed',
    "circuit_opened_at" TIMESTAMPTZ(3),
    "circuit_until" TIMESTAMPTZ(3),
    "probe_by" TEXT,
    "last_error" TEXT,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "consumer_controls_pkey" PRIMARY KEY ("service")
);

-- CreateTable
CREATE TABLE "runtime"."rate_limits" (
    "key" VARCHAR(255) NOT NULL,
    "points" INTEGER NOT NULL DEFAULT 0,
    "expire" BIGINT,

    CONSTRAINT "rate_limits_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "runtime"."scheduled_jobs" (
    "id" UUID NOT NULL,
    "service" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "due_at" TIMESTAMPTZ(3) NOT NULL,
    "schedule" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "published_at" TIMESTAMPTZ(3),
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL,
    "parked_at" TIMESTAMPTZ(3),

    CONSTRAINT "scheduled_jobs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "runtime"."schedules" (
    "service" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "cron" TEXT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "schedules_pkey" PRIMARY KEY ("service","name")
);

-- CreateIndex
CREATE INDEX "scheduled_jobs_service_next_attempt_at_idx" ON "runtime"."scheduled_jobs"("service", "next_attempt_at");

-- CreateIndex
CREATE INDEX "scheduled_jobs_service_schedule_due_at_idx" ON "runtime"."scheduled_jobs"("service", "schedule", "due_at");

-- Every change to a consumer's controls NOTIFYs runtime_consumer_controls with the service's
-- name, so each replica pauses, resumes or opens its circuit at once (shared/src/controls).
CREATE FUNCTION "runtime"."notify_consumer_controls"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('runtime_consumer_controls', NEW.service);
  RETURN NULL;
END;
$$;

CREATE TRIGGER "consumer_controls_changed"
AFTER INSERT OR UPDATE ON "runtime"."consumer_controls"
FOR EACH ROW EXECUTE FUNCTION "runtime"."notify_consumer_controls"();
