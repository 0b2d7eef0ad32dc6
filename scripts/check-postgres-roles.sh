#!/usr/bin/env bash
# Proves deploy/postgres/service-roles.sql on a real PostgreSQL: in a scratch database, each
# service's role reads and writes its own schema and is refused everything else, and a table a
# later migration creates is covered too. Two orders are checked: the roles first, then the
# migrations as migrator (what the compose stack does); and the migrations first, as the
# superuser, then the roles (an existing database).
#
#   scripts/check-postgres-roles.sh
#
# Connects as a superuser with psql's usual variables (PGHOST, PGPORT, PGUSER, PGPASSWORD;
# default postgres on 127.0.0.1:5432). Roles belong to the whole server, so the script stops if
# any of them exists already; it drops its databases and the roles at the end.
set -euo pipefail
cd "$(dirname "$0")/.."

export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
export PGPASSWORD=${PGPASSWORD:-postgres}
# The services with an inbox (processed_events); operations, which has none, is checked on its own.
readonly SERVICES=(checkout email pdf inventory analytics)
readonly ROLES=(migrator "${SERVICES[@]}" operations)
readonly RUN=$$
failures=0

superuser() { psql -v ON_ERROR_STOP=1 -qtAX "$@"; }

# Runs SQL as a role (its development password; trust authentication ignores it).
as_role() {
  local role=$1 database=$2 sql=$3
  PGUSER=$role PGPASSWORD=$role-dev psql -v ON_ERROR_STOP=1 -qtAX -d "$database" -c "$sql" 2>&1
}

expect_ok() {
  local role=$1 database=$2 sql=$3 output
  if output=$(as_role "$role" "$database" "$sql"); then
    echo "ok       $role: $sql"
  else
    echo "FAIL     $role: $sql -> $output"
    failures=$((failures + 1))
  fi
}

expect_refused() {
  local role=$1 database=$2 sql=$3 output
  if output=$(as_role "$role" "$database" "$sql"); then
    echo "FAIL     $role: $sql -> allowed"
    failures=$((failures + 1))
  elif grep -q 'permission denied' <<<"$output"; then
    echo "refused  $role: $sql ($(grep -o 'permission denied.*' <<<"$output" | head -n 1))"
  else
    echo "FAIL     $role: $sql -> $output"
    failures=$((failures + 1))
  fi
}

apply_roles() {
  PGOPTIONS="-c client_min_messages=warning" superuser -d "$1" -f deploy/postgres/service-roles.sql \
    -v migrator_password=migrator-dev -v checkout_password=checkout-dev -v email_password=email-dev \
    -v pdf_password=pdf-dev -v inventory_password=inventory-dev -v analytics_password=analytics-dev \
    -v operations_password=operations-dev
}

migrate() {
  DATABASE_URL="postgresql://$1@$PGHOST:$PGPORT/$2" npm run --silent migrate >/dev/null
}

check_database() {
  local database=$1
  for service in "${SERVICES[@]}"; do
    local id
    id=$(cat /proc/sys/kernel/random/uuid)
    expect_ok "$service" "$database" \
      "INSERT INTO $service.processed_events (event_id, event_type) VALUES ('$id', 'check'); SELECT count(*) FROM $service.processed_events; DELETE FROM $service.processed_events WHERE event_id = '$id'"
    for other in "${SERVICES[@]}"; do
      if [ "$other" != "$service" ]; then
        expect_refused "$service" "$database" "SELECT count(*) FROM $other.processed_events"
      fi
    done
    expect_refused "$service" "$database" "CREATE TABLE $service.scratch (id int)"
    expect_refused "$service" "$database" "TRUNCATE $service.processed_events"
    expect_refused "$service" "$database" "SELECT count(*) FROM public._prisma_migrations"
  done
  expect_ok checkout "$database" "SELECT count(*) FROM checkout.products; SELECT count(*) FROM checkout.outbox"
  # The dead-letter store and the audit log are the operations service's alone.
  expect_ok operations "$database" \
    "INSERT INTO operations.dead_letter_actions (action, service, actor) VALUES ('pause', 'email', 'check'); SELECT count(*) FROM operations.dead_letters; DELETE FROM operations.dead_letter_actions WHERE actor = 'check'"
  expect_ok operations "$database" \
    "INSERT INTO runtime.consumer_controls (service) VALUES ('email') ON CONFLICT DO NOTHING; SELECT count(*) FROM runtime.scheduled_jobs"
  expect_refused checkout "$database" "SELECT count(*) FROM operations.dead_letters"
  expect_refused email "$database" "SELECT count(*) FROM operations.dead_letter_actions"
  expect_refused operations "$database" "SELECT count(*) FROM checkout.orders"
  expect_refused operations "$database" "CREATE TABLE operations.scratch (id int)"
  # The shared schemas: the runtime's tables for every service, the simulated gateway for checkout.
  for service in "${SERVICES[@]}"; do
    expect_ok "$service" "$database" \
      "INSERT INTO runtime.consumer_controls (service) VALUES ('$service') ON CONFLICT DO NOTHING; SELECT count(*) FROM runtime.scheduled_jobs; SELECT count(*) FROM runtime.rate_limits"
    expect_refused "$service" "$database" "CREATE TABLE runtime.scratch (id int)"
  done
  expect_ok checkout "$database" "SELECT count(*) FROM gateway.charges"
  expect_refused email "$database" "SELECT count(*) FROM gateway.charges"
  expect_ok inventory "$database" "UPDATE inventory.stock_items SET on_hand = on_hand WHERE sku = 'MUG-CLASSIC'"

  # A later migration: migrator creates a table; its service may use it at once, no other may.
  expect_ok migrator "$database" "CREATE TABLE email.later_table (id int PRIMARY KEY, note text)"
  expect_ok email "$database" "INSERT INTO email.later_table VALUES (1, 'x'); SELECT note FROM email.later_table; DELETE FROM email.later_table"
  expect_refused pdf "$database" "SELECT count(*) FROM email.later_table"
  expect_ok migrator "$database" "DROP TABLE email.later_table"

  # A role this script did not grant anything may not even connect.
  superuser -d postgres -c "CREATE ROLE access_check_nobody_$RUN LOGIN"
  local output
  if output=$(PGUSER=access_check_nobody_$RUN psql -qtAX -d "$database" -c 'SELECT 1' 2>&1); then
    echo "FAIL     access_check_nobody_$RUN connected to $database"
    failures=$((failures + 1))
  else
    echo "refused  a role without CONNECT: $(grep -o 'permission denied.*' <<<"$output" | head -n 1)"
  fi
  superuser -d postgres -c "DROP ROLE access_check_nobody_$RUN"
}

cleanup() {
  for database in "access_check_${RUN}_roles_first" "access_check_${RUN}_migrations_first"; do
    superuser -d postgres -c "DROP DATABASE IF EXISTS $database WITH (FORCE)"
  done
  for role in "${ROLES[@]}"; do
    if [ "$(superuser -d postgres -c "SELECT 1 FROM pg_roles WHERE rolname = '$role'")" = 1 ]; then
      # Default privileges are per database, and the databases are gone; nothing else is left.
      superuser -d postgres -c "DROP ROLE $role"
    fi
  done
}

existing=$(superuser -d postgres -c \
  "SELECT string_agg(rolname, ', ') FROM pg_roles WHERE rolname IN ('$(IFS=,; echo "${ROLES[*]}" | sed "s/,/','/g")')")
if [ -n "$existing" ]; then
  echo "These roles exist on $PGHOST:$PGPORT already: $existing. Run this on a server without them." >&2
  exit 1
fi
trap cleanup EXIT

echo "== Roles first, then the migrations as migrator (the compose stack's order)"
database=access_check_${RUN}_roles_first
superuser -d postgres -c "CREATE DATABASE $database"
apply_roles "$database" >/dev/null
migrate migrator:migrator-dev "$database"
echo "tables owned by someone other than migrator: $(superuser -d "$database" -c \
  "SELECT count(*) FROM pg_tables WHERE schemaname IN ('checkout','operations','email','pdf','inventory','analytics','runtime','gateway','public') AND tableowner <> 'migrator'")"
check_database "$database"

echo
echo "== The migrations first, as $PGUSER, then the roles (an existing database)"
database=access_check_${RUN}_migrations_first
superuser -d postgres -c "CREATE DATABASE $database"
migrate "$PGUSER:$PGPASSWORD" "$database"
apply_roles "$database" >/dev/null
echo "tables owned by someone other than migrator: $(superuser -d "$database" -c \
  "SELECT count(*) FROM pg_tables WHERE schemaname IN ('checkout','operations','email','pdf','inventory','analytics','runtime','gateway','public') AND tableowner <> 'migrator'")"
check_database "$database"
# migrator can now run the next migration on the objects it was handed.
expect_ok migrator "$database" "ALTER TABLE checkout.outbox ADD COLUMN access_check int; ALTER TABLE checkout.outbox DROP COLUMN access_check"

echo
if ((failures > 0)); then
  echo "$failures check(s) failed"
  exit 1
fi
echo "Every check passed."
