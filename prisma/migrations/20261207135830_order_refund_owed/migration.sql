-- AlterTable
ALTER TABLE "checkout"."orders" ADD COLUMN     "refund_owed" BOOLEAN NOT NULL DEFAULT false;
