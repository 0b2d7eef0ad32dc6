-- CreateEnum
CREATE TYPE "checkout"."task_attempt_outcome" AS ENUM ('failed', 'dead-lettered', 'completed');

-- CreateTable
CREATE TABLE "checkout"."task_attempts" (
    "order_id" UUID NOT NULL,
    "task" TEXT NOT NULL,
    "attempt" INTEGER NOT NULL,
    "outcome" "checkout"."task_attempt_outcome" NOT NULL,
    "error" TEXT,
    "result" JSONB,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "task_attempts_pkey" PRIMARY KEY ("order_id","task","attempt")
);

-- AddForeignKey
ALTER TABLE "checkout"."task_attempts" ADD CONSTRAINT "task_attempts_order_id_task_fkey" FOREIGN KEY ("order_id", "task") REFERENCES "checkout"."fulfillment_tasks"("order_id", "task") ON DELETE CASCADE ON UPDATE CASCADE;

-- GET /orders?email= matches the address exactly but case-insensitively, newest first.
-- An expression index, which schema.prisma cannot describe (see the comment on Order there).
CREATE INDEX "orders_customer_email_lower_created_at_idx" ON "checkout"."orders" (lower("customer_email"), "created_at" DESC);
