-- Checkout keeps the catalogue in memory and reads it again when it changes: every change
-- to checkout.products NOTIFYs checkout_products_changed (see services/checkout/src/data/catalogue.ts).
CREATE FUNCTION "checkout"."notify_products_changed"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('checkout_products_changed', '');
  RETURN NULL;
END;
$$;

CREATE TRIGGER "products_changed"
AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "checkout"."products"
FOR EACH STATEMENT EXECUTE FUNCTION "checkout"."notify_products_changed"();
