/**
 * Which code may import which: the house's floors, checked on every import
 * (tests included) by `npm run check:boundaries`, a step of CI. A rule is
 * broken by a failing check, not by review. docs/decisions.md ("Boundaries")
 * says why each rule is there.
 *
 * From the bottom up:
 * - shared/: the runtime, four packages that know no shop. @shared/core at
 *   the bottom; @shared/http and @shared/messaging on it, apart from each
 *   other; @shared/operations on top of both.
 * - contracts/: the shop's events, errors, registry and database client.
 * - services/<name>/: one process each; none reaches into another.
 * - scripts/, bench/, test/: tooling around them, through each package's
 *   public entry, never into its files; the benchmarks stand on the scripts.
 *
 * @type {import('dependency-cruiser').IConfiguration}
 */
const TOOLING = '^(scripts|bench|test)/';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Files that import each other cannot be read, tested or moved one at a time.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'runtime-knows-no-shop',
      severity: 'error',
      comment: 'shared/ is the runtime every service copies; it names no service, contract or tool.',
      from: { path: '^shared/[^/]+/src/' },
      to: { path: '^(contracts|services|scripts|bench|test)/' },
    },
    {
      name: 'contracts-know-no-service',
      severity: 'error',
      comment: 'Contracts are what services agree on; they depend on none of them.',
      from: { path: '^contracts/src/' },
      to: { path: '^(services|scripts|bench|test)/' },
    },
    {
      name: 'services-stay-apart',
      severity: 'error',
      comment: 'A service reaches another only through events or HTTP, never through its code.',
      from: { path: '^services/([^/]+)/src/' },
      to: { path: '^services/', pathNot: '^services/$1/' },
    },
    {
      name: 'core-below-the-runtime',
      severity: 'error',
      comment:
        'Configuration, errors, logging, metrics and tracing serve every package and need none of them.',
      from: { path: '^shared/core/src/' },
      to: { path: '^shared/(http|messaging|operations)/' },
    },
    {
      name: 'http-below-messaging',
      severity: 'error',
      comment: 'The HTTP layer serves any service, with or without a broker.',
      from: { path: '^shared/http/src/' },
      to: { path: '^shared/(messaging|operations)/' },
    },
    {
      name: 'messaging-below-operations',
      severity: 'error',
      comment:
        'Messaging works without controls, schedules, a dead-letter store or an HTTP server; operations is built on it.',
      from: { path: '^shared/messaging/src/' },
      to: { path: '^shared/(http|operations)/' },
    },
    {
      name: 'scripts-below-bench',
      severity: 'error',
      comment:
        'The benchmarks use the scripts (a scratch database, the seed); the scripts never need a benchmark.',
      from: { path: '^scripts/' },
      to: { path: '^bench/' },
    },
    {
      name: 'products-import-no-tests',
      severity: 'error',
      comment: 'What ships never loads a test or its helpers.',
      from: { path: '^(shared/[^/]+|contracts|services/[^/]+)/src/', pathNot: '\\.test\\.ts$' },
      to: { path: ['\\.test\\.ts$', '^test/', '^(shared/[^/]+|contracts|services/[^/]+)/test/'] },
    },
    {
      name: 'packages-through-their-entry',
      severity: 'error',
      comment:
        'From outside a runtime package or contracts/, its code is reached through an entry of package.json "exports" (an index.ts), so a package can change its insides.',
      from: { path: '^(shared/[^/]+|[^/]+)/' },
      to: {
        path: '^(shared/[^/]+|contracts)/src/',
        pathNot: ['^$1/', '/index\\.ts$', '^contracts/src/database/generated/'],
      },
    },
    {
      name: 'services-through-their-entry',
      severity: 'error',
      comment:
        'Tooling reaches a service through its src/index.ts (its route descriptions, its configuration) or its test helpers, never through its other files.',
      from: { path: TOOLING },
      to: { path: '^services/[^/]+/src/', pathNot: '^services/[^/]+/src/index\\.ts$' },
    },
    {
      name: 'service-tests-through-other-entries',
      severity: 'error',
      comment:
        "A service's tests read its own files; another service's only through its src/index.ts or its test helpers (the dashboard's tests start a checkout).",
      from: { path: '^services/([^/]+)/test/' },
      to: { path: '^services/[^/]+/src/', pathNot: ['^services/$1/', '^services/[^/]+/src/index\\.ts$'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['(^|/)dist/', '^contracts/src/database/generated/'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    // The workspace packages resolve to their TypeScript sources, as tsx and Jest load them.
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['source', 'import', 'require', 'node', 'default'],
      mainFields: ['module', 'main', 'types'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
