-- CreateEnum
CREATE TYPE "checkout"."dead_letter_action_kind" AS ENUM ('replay', 'discard');

-- CreateTable
CREATE TABLE "checkout"."dead_letter_actions" (
    "id" UUID NOT NULL,
    "action" "checkout"."dead_letter_action_kind" NOT NULL,
    "service" TEXT NOT NULL,
    "message_id" TEXT NOT NULL,
    "order_id" TEXT,
    "actor" TEXT NOT NULL,
    "reason" TEXT,
    "last_error" TEXT,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "dead_letter_actions_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "dead_letter_actions_service_at_idx" ON "checkout"."dead_letter_actions"("service", "at");
