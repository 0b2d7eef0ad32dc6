-- Parked jobs, per service: what the gauge shop_scheduled_jobs_parked and GET /admin/jobs read.
-- Partial, so it holds only the few parked rows however many published ones the table keeps;
-- Prisma's schema cannot describe a partial index, so it lives here alone.
CREATE INDEX "scheduled_jobs_parked_idx" ON "runtime"."scheduled_jobs" ("service", "parked_at")
  WHERE "parked_at" IS NOT NULL AND "published_at" IS NULL;
