-- CreateEnum
CREATE TYPE "checkout"."order_status" AS ENUM ('pending', 'confirmed', 'payment_declined', 'failed');

-- CreateEnum
CREATE TYPE "checkout"."fulfillment_task_name" AS ENUM ('email', 'receipt', 'inventory', 'analytics');

-- CreateEnum
CREATE TYPE "checkout"."fulfillment_task_status" AS ENUM ('pending', 'retrying', 'completed', 'failed');

-- CreateTable
CREATE TABLE "checkout"."products" (
    "sku" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "price_cents" INTEGER NOT NULL,
    "currency" CHAR(3) NOT NULL,

    CONSTRAINT "products_pkey" PRIMARY KEY ("sku")
);

-- CreateTable
CREATE TABLE "checkout"."orders" (
    "id" UUID NOT NULL,
    "status" "checkout"."order_status" NOT NULL,
    "customer_email" TEXT NOT NULL,
    "customer_name" TEXT NOT NULL,
    "total_cents" INTEGER NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "payment_id" TEXT,
    "decline_reason" TEXT,
    "idempotency_key" TEXT,
    "request_hash" TEXT,
    "correlation_id" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "orders_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "checkout"."order_lines" (
    "order_id" UUID NOT NULL,
    "line_number" INTEGER NOT NULL,
    "sku" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "quantity" INTEGER NOT NULL,
    "unit_price_cents" INTEGER NOT NULL,
    "line_total_cents" INTEGER NOT NULL,

    CONSTRAINT "order_lines_pkey" PRIMARY KEY ("order_id","line_number")
);

-- CreateTable
CREATE TABLE "checkout"."outbox" (
    "id" UUID NOT NULL,
    "type" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "published_at" TIMESTAMPTZ(3),
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "outbox_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "checkout"."fulfillment_tasks" (
    "order_id" UUID NOT NULL,
    "task" "checkout"."fulfillment_task_name" NOT NULL,
    "status" "checkout"."fulfillment_task_status" NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,
    "url" TEXT,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "fulfillment_tasks_pkey" PRIMARY KEY ("order_id","task")
);

-- CreateTable
CREATE TABLE "email"."sent_emails" (
    "order_id" UUID NOT NULL,
    "event_id" UUID NOT NULL,
    "message_id" TEXT NOT NULL,
    "recipient" TEXT NOT NULL,
    "sent_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "sent_emails_pkey" PRIMARY KEY ("order_id")
);

-- CreateTable
CREATE TABLE "pdf"."receipts" (
    "order_id" UUID NOT NULL,
    "event_id" UUID NOT NULL,
    "file_name" TEXT NOT NULL,
    "bytes" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "receipts_pkey" PRIMARY KEY ("order_id")
);

-- CreateTable
CREATE TABLE "inventory"."stock_items" (
    "sku" TEXT NOT NULL,
    "on_hand" INTEGER NOT NULL,
    "backordered" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "stock_items_pkey" PRIMARY KEY ("sku")
);

-- CreateTable
CREATE TABLE "inventory"."stock_movements" (
    "id" UUID NOT NULL,
    "order_id" UUID NOT NULL,
    "sku" TEXT NOT NULL,
    "quantity" INTEGER NOT NULL,
    "backordered" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "stock_movements_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "analytics"."order_facts" (
    "order_id" UUID NOT NULL,
    "total_cents" INTEGER NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "item_count" INTEGER NOT NULL,
    "placed_at" TIMESTAMPTZ(3) NOT NULL,
    "recorded_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "order_facts_pkey" PRIMARY KEY ("order_id")
);

-- CreateTable
CREATE TABLE "analytics"."order_fact_lines" (
    "order_id" UUID NOT NULL,
    "sku" TEXT NOT NULL,
    "quantity" INTEGER NOT NULL,
    "revenue_cents" INTEGER NOT NULL,

    CONSTRAINT "order_fact_lines_pkey" PRIMARY KEY ("order_id","sku")
);

-- CreateIndex
CREATE UNIQUE INDEX "orders_idempotency_key_key" ON "checkout"."orders"("idempotency_key");

-- CreateIndex
CREATE INDEX "orders_created_at_idx" ON "checkout"."orders"("created_at");

-- CreateIndex
CREATE INDEX "outbox_published_at_next_attempt_at_idx" ON "checkout"."outbox"("published_at", "next_attempt_at");

-- CreateIndex
CREATE UNIQUE INDEX "stock_movements_order_id_sku_key" ON "inventory"."stock_movements"("order_id", "sku");

-- AddForeignKey
ALTER TABLE "checkout"."order_lines" ADD CONSTRAINT "order_lines_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "checkout"."orders"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "checkout"."fulfillment_tasks" ADD CONSTRAINT "fulfillment_tasks_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "checkout"."orders"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "analytics"."order_fact_lines" ADD CONSTRAINT "order_fact_lines_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "analytics"."order_facts"("order_id") ON DELETE CASCADE ON UPDATE CASCADE;
