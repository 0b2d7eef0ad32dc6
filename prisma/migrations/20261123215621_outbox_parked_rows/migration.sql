-- AlterTable
ALTER TABLE "checkout"."outbox" ADD COLUMN     "parked_at" TIMESTAMPTZ(3);
