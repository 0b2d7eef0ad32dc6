#!/usr/bin/env bash
# Production build, shared by CI and the Dockerfile: generate the Prisma client, then compile
# every package from src/ to CommonJS in its own dist/, which the "default" export condition
# points at.
#
# A package takes part by having a tsconfig.build.json; this script needs no edit when a
# service is added. A service's services/<name>/tsconfig.build.json:
#
#   {
#     "extends": "../../tsconfig.json",
#     "compilerOptions": {
#       "noEmit": false,
#       "rootDir": "src",
#       "outDir": "dist",
#       "tsBuildInfoFile": "dist/tsconfig.build.tsbuildinfo",
#       "sourceMap": true,
#       "types": ["node"]
#     },
#     "include": ["src"],
#     "exclude": ["src/**/*.test.ts"],
#     "references": [{ "path": "../../shared/messaging/tsconfig.build.json" }, ...]
#   }
#
# The references matter: a runtime package's "types" condition points at its TypeScript
# sources, and a project reference makes tsc read that package's dist/ declarations instead
# of compiling its src/ a second time into the service's output. Reference each @shared/* and
# @shop/* package the service imports.
set -euo pipefail
shopt -s nullglob
cd "$(dirname "$0")/.."

npm run db:generate

# scripts/ contributes the migrate CLI, which the image runs before the services start.
projects=(shared/*/tsconfig.build.json contracts/tsconfig.build.json services/*/tsconfig.build.json scripts/tsconfig.build.json)

# Each project keeps its build info inside dist/, so removing dist/ is a complete clean and
# no file of a deleted source survives into an image.
for config in "${projects[@]}"; do
  rm -rf "$(dirname "$config")/dist"
done

echo "Compiling: ${projects[*]}"
node_modules/.bin/tsc -b "${projects[@]}"
