#!/usr/bin/env sh
# Generates the Prisma client into contracts/src/database/generated, offline.
#
# Prisma 7's CLI resolves its native schema engine before running any command
# and downloads it when missing, which fails without network access. `generate`
# never runs that engine, so any existing file satisfies the lookup; migrations
# use the WebAssembly engine instead (scripts/database/schema-engine.ts).
set -eu
cd "$(dirname "$0")/.."
: "${PRISMA_SCHEMA_ENGINE_BINARY:=$(command -v node)}"
# No update check: it needs the network, and the versions are pinned anyway.
: "${CHECKPOINT_DISABLE:=1}"
export PRISMA_SCHEMA_ENGINE_BINARY CHECKPOINT_DISABLE
exec node_modules/.bin/prisma generate
