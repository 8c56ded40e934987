// The monorepo's import boundaries, checked by `npm run depcruise` (part of `npm run lint`).
// `npm run deps:graph` prints the lib-level graph these rules keep.
const TESTS_OUTSIDE_LIBS = ['^test/', '^apps/[^/]+/test/', '^apps/.+[.]spec[.]ts$'];

// Known violations, found when these rules were written and left for their owners to untangle.
// Each entry exempts only what is named; delete it once the violation is gone.
const KNOWN = {
  // TypeORM's two-sided relation (an order's items, an item's order): each entity names the other.
  entityCycle: '^apps/order/src/orders/order(?:-item)?[.]entity[.]ts$',
};

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-app-to-other-app',
      severity: 'error',
      comment: 'An app imports another app. Apps share code only through a lib (libs/<lib>, imported as @app/<lib>).',
      from: { path: '^apps/([^/]+)/' },
      to: { path: '^apps/', pathNot: '^apps/$1/' },
    },
    {
      name: 'no-lib-to-app',
      severity: 'error',
      comment: 'A lib imports an app. Libs are what apps are built from; the dependency goes the other way.',
      from: { path: '^libs/' },
      to: { path: '^apps/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'This import closes a cycle. Move what both sides need into a module of its own that neither imports back.',
      from: {},
      to: { circular: true, via: { pathNot: KNOWN.entityCycle } },
    },
    {
      name: 'no-circular-folders',
      severity: 'error',
      comment: 'Two folders import each other (each through different files). Move what both need into one of them, or into a folder of its own.',
      scope: 'folder',
      from: {},
      to: { circular: true },
    },
    {
      name: 'tests-through-lib-entry',
      severity: 'error',
      comment: "A test reaches into a lib's internals. Import the lib through its public entry, @app/<lib> (libs/<lib>/src/index.ts).",
      from: { path: TESTS_OUTSIDE_LIBS },
      to: { path: '^libs/[^/]+/src/', pathNot: '^libs/[^/]+/src/index[.]ts$' },
    },
    {
      // A lib's own specs and tests may reach its internals: that is what they test.
      name: 'lib-tests-through-other-lib-entry',
      severity: 'error',
      comment: "A lib's test reaches into another lib's internals. Import that lib through @app/<lib> (libs/<lib>/src/index.ts).",
      from: { path: '^libs/([^/]+)/(?:test/|.+[.]spec[.]ts$)' },
      to: { path: '^libs/[^/]+/src/', pathNot: ['^libs/[^/]+/src/index[.]ts$', '^libs/$1/'] },
    },
    {
      name: 'no-orphans',
      severity: 'error',
      comment: 'Nothing imports this file and it imports nothing: dead code, or an entry point to list here.',
      from: {
        orphan: true,
        // jest.config.js names it as a setupFile; declaration files and tsconfigs are never imported.
        pathNot: ['^test/support/embedded-database-run[.]ts$', '[.]d[.]ts$', '(^|/)tsconfig[.]json$'],
      },
      to: {},
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: "This import resolves to no file: a missing package, a wrong path, or a path alias missing from tsconfig.json's paths.",
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: ['node_modules'] },
    exclude: { path: ['^dist/', '^node_modules/'] },
    // Type-only imports count: a cycle through types is a cycle in the design.
    tsPreCompilationDeps: true,
    // Resolves the @app/<lib> path aliases exactly as the compiler does.
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['main', 'types', 'typings'],
    },
    skipAnalysisNotInRules: true,
    reporterOptions: {
      archi: {
        // One node per app, per lib and per top-level folder of test/, scripts/, bench/.
        collapsePattern: '^(?:apps|libs|test)/[^/]+|^(?:scripts|bench)|node_modules/(?:@[^/]+/[^/]+|[^/]+)',
      },
      text: { highlightFocused: true },
    },
  },
};
