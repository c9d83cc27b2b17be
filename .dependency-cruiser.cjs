// The import rules of ARCHITECTURE.md, checked by `npm run check:imports`
// (part of `npm test`) with dependency-cruiser: no import circles, no import
// running up the layers, features independent of each other, and the browser
// and the server apart (web/src imports nothing of the server but common/).
//
// LAYERS (scripts/import-layers.cjs) lists the parts of the code from the bottom up: a module may import
// its own part and the parts listed before it, never one listed after it. A
// part is one or more path patterns (relative to the repository root). A part
// marked `rest` takes what no other part's patterns take (a new file in a
// folder lands there); the other parts' patterns do not overlap, so each
// module belongs to one part (test/unit/importRules.test.ts checks both). A module of the checked folders that belongs to
// no part is refused too, so nothing escapes by being new.
//
// Known browser violations the web client's rework removes are listed in
// .dependency-cruiser-known-violations.json (`npm run check:imports:baseline`
// rewrites it); anything not listed there fails the build.

const {
  NOT_CHECKED,
  BROWSER,
  SHARED,
  LAYERS,
  FEATURES,
  FEATURE_ARROWS,
  any,
  place,
} = require('./scripts/import-layers.cjs');

const upward = [];
LAYERS.forEach((low, i) => {
  for (const high of LAYERS.slice(i + 1)) {
    upward.push({
      name: 'upward-import',
      comment: `${low.name} imports ${high.name}, a layer above it (see ARCHITECTURE.md and LAYERS here)`,
      severity: 'error',
      from: place(low),
      to: place(high),
    });
  }
});

const siblings = [];
for (const from of FEATURES) {
  for (const to of FEATURES) {
    if (from === to || FEATURE_ARROWS.some(([a, b]) => a === from && b === to)) continue;
    siblings.push({
      name: 'feature-imports-feature',
      comment: `${from}/ imports ${to}/: features listen to rooms and register handlers; they do not reach into each other`,
      severity: 'error',
      from: { path: `^${from}/`, pathNot: '^messaging/client/' },
      to: { path: `^${to}/`, pathNot: '^messaging/client/' },
    });
  }
}

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'an import circle: cut it by moving what both need one layer down',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'unplaced-module',
      comment: 'this module belongs to no part of LAYERS in .dependency-cruiser.cjs: add it where it sits',
      severity: 'error',
      from: { pathNot: any(LAYERS.flatMap((l) => l.path)) },
      to: {},
    },
    {
      name: 'unplaced-module',
      comment: 'this module imports one that belongs to no part of LAYERS: give it its place',
      severity: 'error',
      from: {},
      to: {
        path: '^[^/]+/',
        pathNot: `${any(LAYERS.flatMap((l) => l.path))}|${NOT_CHECKED}|^node_modules/`,
        dependencyTypesNot: ['core'],
        couldNotResolve: false,
      },
    },
    {
      name: 'web-imports-server',
      comment: 'the browser imports nothing of the server but common/',
      severity: 'error',
      from: { path: BROWSER },
      to: {
        path: '^[^/]+/',
        pathNot: `${BROWSER}|${SHARED}|^node_modules/`,
        dependencyTypesNot: ['core'],
        couldNotResolve: false,
      },
    },
    {
      name: 'server-imports-web',
      comment: 'the server imports nothing of the browser',
      severity: 'error',
      from: { pathNot: BROWSER },
      to: { path: BROWSER },
    },
    ...siblings,
    ...upward,
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: NOT_CHECKED },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
