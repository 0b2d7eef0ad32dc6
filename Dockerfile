# syntax=docker/dockerfile:1
# One image for every service; each compose service picks its entry point with `command`.
# Build: docker build -t event-driven-checkout .

# Debian rather than Alpine: Prisma's engines and the other native optional packages are
# published for glibc first, and slim keeps the image small enough.
ARG NODE_IMAGE=node:26-bookworm-slim

# Only the package manifests, so the dependency layer below is rebuilt when dependencies
# change and not on every source edit.
FROM ${NODE_IMAGE} AS manifests
WORKDIR /app
COPY . .
RUN find . -type f ! -name package.json ! -name package-lock.json -delete

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY --from=manifests /app ./
# `npm ci`, as in CI: exactly the locked versions, failing if the lockfile is out of sync.
# --ignore-scripts: the project runs no dependency install scripts (package.json
# "allowScripts"); the flag holds whichever npm version the base image bundles. It also skips
# the root postinstall, which is fine: the build script generates the Prisma client itself.
RUN npm ci --ignore-scripts --no-audit --no-fund

FROM deps AS build
COPY . .
# The same script CI runs, so the image ships exactly what CI compiled and checked.
RUN npm run build \
 && npm prune --omit=dev --ignore-scripts --no-audit --no-fund

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
# Memory: a bounded heap (the services keep little in it), and glibc's per-thread arenas capped,
# which otherwise hold tens of MB each under load. Measured in bench/stack-load.ts (P6).
ENV NODE_OPTIONS="--max-old-space-size=96 --max-semi-space-size=4" MALLOC_ARENA_MAX=2
WORKDIR /app
# The whole pruned tree, so each package's dist/ sits beside its manifest and @shop/shared
# and @shop/contracts resolve through their "default" export condition to their dist/. Copying it into a fresh
# stage leaves the dev dependencies behind in the build stage's layers. The migrate CLI
# finds prisma/migrations by walking up from scripts/dist/database.
COPY --from=build /app ./
# Owned by the unprivileged user so a named volume mounted here inherits a writable directory.
RUN install -d -o node -g node /app/receipts
USER node
CMD ["node", "services/checkout/dist/main.js"]
