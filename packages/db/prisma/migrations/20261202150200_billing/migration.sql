-- Billing: per-organization billing state, the credit ledger, finalized invoices (immutable
-- documents with gapless numbers) and processed Stripe webhook events.
CREATE TABLE "billing_accounts" (
  "organization_id" TEXT NOT NULL,
  "clock_offset_ms" BIGINT NOT NULL DEFAULT 0,
  "payment_method_id" TEXT,
  "payment_method_label" TEXT,
  "past_due_since" TIMESTAMPTZ(3),
  "spend_alert_threshold" DECIMAL(65,30),
  "spend_alert_period" TIMESTAMPTZ(3),
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "billing_accounts_pkey" PRIMARY KEY ("organization_id")
);

CREATE TABLE "credit_entries" (
  "id" TEXT NOT NULL,
  "organization_id" TEXT NOT NULL,
  "amount" DECIMAL(65,30) NOT NULL,
  "reason" TEXT NOT NULL,
  "invoice_id" TEXT,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "credit_entries_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "credit_entries_invoice_id_key" ON "credit_entries"("invoice_id");
CREATE INDEX "credit_entries_organization_id_idx" ON "credit_entries"("organization_id");

CREATE TABLE "invoices" (
  "id" TEXT NOT NULL,
  "organization_id" TEXT NOT NULL,
  "number" TEXT NOT NULL,
  "period_start" TIMESTAMPTZ(3) NOT NULL,
  "period_end" TIMESTAMPTZ(3) NOT NULL,
  "status" TEXT NOT NULL,
  "price_book_version" INTEGER NOT NULL,
  "document" JSONB NOT NULL,
  "subtotal" DECIMAL(65,30) NOT NULL,
  "credits_applied" DECIMAL(65,30) NOT NULL,
  "total" DECIMAL(65,30) NOT NULL,
  "content_hash" TEXT NOT NULL,
  "finalized_at" TIMESTAMPTZ(3) NOT NULL,
  "stripe_invoice_id" TEXT,
  "payment_attempts" INTEGER NOT NULL DEFAULT 0,
  "next_payment_attempt_at" TIMESTAMPTZ(3),
  "paid_at" TIMESTAMPTZ(3),
  CONSTRAINT "invoices_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "invoices_number_key" ON "invoices"("number");
CREATE UNIQUE INDEX "invoices_stripe_invoice_id_key" ON "invoices"("stripe_invoice_id");
CREATE UNIQUE INDEX "invoices_organization_id_period_start_key" ON "invoices"("organization_id", "period_start");
CREATE INDEX "invoices_status_idx" ON "invoices"("status");

CREATE TABLE "invoice_number_sequences" (
  "year" INTEGER NOT NULL,
  "last_number" INTEGER NOT NULL,
  CONSTRAINT "invoice_number_sequences_pkey" PRIMARY KEY ("year")
);

CREATE TABLE "stripe_events" (
  "id" TEXT NOT NULL,
  "type" TEXT NOT NULL,
  "processed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "stripe_events_pkey" PRIMARY KEY ("id")
);

ALTER TABLE "billing_accounts" ADD CONSTRAINT "billing_accounts_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "credit_entries" ADD CONSTRAINT "credit_entries_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "credit_entries" ADD CONSTRAINT "credit_entries_invoice_id_fkey" FOREIGN KEY ("invoice_id") REFERENCES "invoices"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "invoices" ADD CONSTRAINT "invoices_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- A finalized invoice never changes: only its payment state (status, Stripe id, attempts, paid_at).
CREATE FUNCTION "invoices_immutable"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF (NEW."organization_id", NEW."number", NEW."period_start", NEW."period_end",
      NEW."price_book_version", NEW."document", NEW."subtotal", NEW."credits_applied",
      NEW."total", NEW."content_hash", NEW."finalized_at")
     IS DISTINCT FROM
     (OLD."organization_id", OLD."number", OLD."period_start", OLD."period_end",
      OLD."price_book_version", OLD."document", OLD."subtotal", OLD."credits_applied",
      OLD."total", OLD."content_hash", OLD."finalized_at") THEN
    RAISE EXCEPTION 'invoice % is finalized and cannot be changed', OLD."number";
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER "invoices_immutable" BEFORE UPDATE ON "invoices"
  FOR EACH ROW EXECUTE FUNCTION "invoices_immutable"();
CREATE TRIGGER "invoices_never_deleted" BEFORE DELETE ON "invoices"
  FOR EACH ROW EXECUTE FUNCTION "invoices_immutable"();
