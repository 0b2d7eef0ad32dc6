#!/bin/sh
# Mounted into the compose postgres container's /docker-entrypoint-initdb.d, which the image
# runs once, when it initialises an empty data volume: creates the service roles and grants of
# service-roles.sql with the passwords from docker-compose.yml (development defaults unless
# .env sets them). Changing a password later needs `docker compose down -v` (a new volume) or
# ALTER ROLE by hand. https://hub.docker.com/_/postgres (Initialization scripts)
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v migrator_password="$POSTGRES_MIGRATOR_PASSWORD" \
  -v checkout_password="$POSTGRES_CHECKOUT_PASSWORD" \
  -v email_password="$POSTGRES_EMAIL_PASSWORD" \
  -v pdf_password="$POSTGRES_PDF_PASSWORD" \
  -v inventory_password="$POSTGRES_INVENTORY_PASSWORD" \
  -v analytics_password="$POSTGRES_ANALYTICS_PASSWORD" \
  -f /opt/event-driven-checkout/service-roles.sql
