-- AlterTable
ALTER TABLE "gateway"."charges" ADD COLUMN     "cancelled_at" TIMESTAMPTZ(3),
ALTER COLUMN "approved" DROP NOT NULL,
ALTER COLUMN "amount_cents" DROP NOT NULL,
ALTER COLUMN "currency" DROP NOT NULL;
