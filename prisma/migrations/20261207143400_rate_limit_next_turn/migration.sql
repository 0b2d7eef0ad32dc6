-- The rate limiter no longer counts fixed windows (rate-limiter-flexible's table layout): each
-- row holds its key's next turn (shared/src/controls/shared-rate-limiter.ts). A row that
-- exists starts again from now.
-- AlterTable
ALTER TABLE "runtime"."rate_limits" DROP COLUMN "expire",
DROP COLUMN "points",
ADD COLUMN     "next_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP;
