-- AlterTable
ALTER TABLE "runtime"."consumer_controls" ADD COLUMN     "rate_limit" TEXT;
