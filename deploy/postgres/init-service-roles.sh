#!/bin/sh
# Run by compose's database-roles one-shot at every `up`, over the network as the superuser
# (PGHOST, PGPASSWORD): creates or updates the service roles and grants of service-roles.sql
# with the passwords from docker-compose.yml (development defaults unless .env sets them).
# It also works as a /docker-entrypoint-initdb.d script of the official image, which runs it
# once, on a new volume. https://hub.docker.com/_/postgres (Initialization scripts)
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v migrator_password="$POSTGRES_MIGRATOR_PASSWORD" \
  -v checkout_password="$POSTGRES_CHECKOUT_PASSWORD" \
  -v email_password="$POSTGRES_EMAIL_PASSWORD" \
  -v pdf_password="$POSTGRES_PDF_PASSWORD" \
  -v inventory_password="$POSTGRES_INVENTORY_PASSWORD" \
  -v analytics_password="$POSTGRES_ANALYTICS_PASSWORD" \
  -f /opt/event-driven-checkout/service-roles.sql
