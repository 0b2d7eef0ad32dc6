-- CreateEnum
CREATE TYPE "checkout"."dead_letter_state" AS ENUM ('parked', 'replayed', 'discarded');

-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "checkout"."dead_letter_action_kind" ADD VALUE 'pause';
ALTER TYPE "checkout"."dead_letter_action_kind" ADD VALUE 'resume';

-- AlterTable
ALTER TABLE "checkout"."dead_letter_actions" ADD COLUMN     "dead_letter_id" UUID,
ALTER COLUMN "id" SET DEFAULT gen_random_uuid(),
ALTER COLUMN "message_id" DROP NOT NULL;

-- CreateTable
CREATE TABLE "checkout"."dead_letters" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "seq" BIGSERIAL NOT NULL,
    "queue" TEXT NOT NULL,
    "service" TEXT NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "message_id" TEXT NOT NULL,
    "type" TEXT,
    "order_id" TEXT,
    "correlation_id" TEXT,
    "attempts" INTEGER NOT NULL,
    "reason" TEXT,
    "last_error" TEXT,
    "last_error_code" TEXT,
    "first_failure_at" TIMESTAMPTZ(3),
    "parked_at" TIMESTAMPTZ(3) NOT NULL,
    "stored_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "properties" JSONB NOT NULL,
    "headers" JSONB NOT NULL,
    "body" BYTEA NOT NULL,
    "state" "checkout"."dead_letter_state" NOT NULL DEFAULT 'parked',
    "settled_at" TIMESTAMPTZ(3),

    CONSTRAINT "dead_letters_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "dead_letters_queue_state_parked_at_seq_idx" ON "checkout"."dead_letters"("queue", "state", "parked_at", "seq");

-- CreateIndex
CREATE INDEX "dead_letters_order_id_idx" ON "checkout"."dead_letters"("order_id");

-- CreateIndex
CREATE UNIQUE INDEX "dead_letters_queue_fingerprint_key" ON "checkout"."dead_letters"("queue", "fingerprint");

-- CreateIndex
CREATE INDEX "dead_letter_actions_at_idx" ON "checkout"."dead_letter_actions"("at");
