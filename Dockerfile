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
RUN find . -type f ! -name package.json ! -name package-lock.json -delete \
 && find . -depth -type d -empty -delete

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
# The same script CI runs, so the image ships exactly what CI compiled and checked. Then only
# what the processes read at run time goes to /out: each package's manifest and compiled dist/
# (its "default" export condition), the Prisma schema and migrations (the migrate CLI finds
# them by walking up from scripts/dist/database), and the dashboard's page.
RUN npm run build \
 && mkdir /out \
 && for package in shared/* contracts services/* scripts; do \
      mkdir -p "/out/$package" \
      && cp -R "$package/dist" "/out/$package/dist" \
      && if [ -f "$package/package.json" ]; then cp "$package/package.json" "/out/$package/"; fi; \
    done \
 && cp -R prisma /out/prisma \
 && cp -R services/dashboard/public /out/services/dashboard/public

# Production dependencies only, installed afresh rather than pruned from the build's tree:
# `npm prune --omit=dev` keeps the packages the lockfile marks devOptional (@prisma/client's
# optional peers: the Prisma CLI and Studio, TypeScript, PGlite, React...), about 130 of them.
# --omit=optional also leaves out TypeScript's platform binaries and pg-cloudflare; nothing the
# services load at run time is optional. The workspaces come in as links to their folders.
FROM ${NODE_IMAGE} AS production-dependencies
WORKDIR /app
COPY --from=manifests /app ./
RUN npm ci --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
# Memory: a bounded heap (the services keep little in it), and glibc's per-thread arenas capped,
# which otherwise hold tens of MB each under load. Measured in bench/stack-load.ts (P6).
ENV NODE_OPTIONS="--max-old-space-size=96 --max-semi-space-size=4" MALLOC_ARENA_MAX=2
WORKDIR /app
# The manifests and node_modules (the root's and any package's own), then the built output
# beside each manifest. No source, tests, benchmarks or docs: docs/image.md lists what is here.
COPY --from=production-dependencies /app ./
COPY --from=build /out ./
# Owned by the unprivileged user so a named volume mounted here inherits a writable directory.
RUN install -d -o node -g node /app/receipts
USER node
CMD ["node", "services/checkout/dist/main.js"]
