/**
 * The engine's layers, top to bottom (src/CONTEXT.md explains each). A module may import
 * its own layer and the layers below it, never one above; features on the same row do not
 * import each other. Type-only imports count too: a type that two layers share belongs to
 * the lower one.
 */
const LAYERS = [
  ['cli'],
  ['api'],
  ['alerts', 'dashboard', 'docs', 'freshness', 'packages', 'serve', 'thresholds'],
  ['mart'],
  ['artifacts'],
  ['runner'],
  ['execution'],
  ['materializations'],
  ['compile'],
  ['project'],
  ['graph'],
  ['config'],
  ['template'],
  ['seeds'],
  ['adapters'],
  ['manifest'],
  ['support'],
  ['errors'],
];

/** `src/api.ts` belongs to the api layer, `src/errors.ts` to errors. */
const folder = (name) => `^src/(${name}/|${name}\\.ts$)`;
const anyOf = (names) => `^src/(${names.map((name) => `${name}/|${name}\\.ts$`).join('|')})`;

const layerRules = LAYERS.flatMap((row, index) => {
  const above = LAYERS.slice(0, index).flat();
  const rules = [];
  if (above.length > 0) {
    rules.push({
      name: `layer-${row.join('-')}`,
      comment: `${row.join(', ')} may not import the layers above it (${above.join(', ')}): see src/CONTEXT.md`,
      severity: 'error',
      from: { path: anyOf(row) },
      to: { path: anyOf(above) },
    });
  }
  if (row.length > 1) {
    for (const name of row) {
      rules.push({
        name: `feature-${name}`,
        comment: `the features on one layer do not import each other: move what ${name} shares down a layer`,
        severity: 'error',
        from: { path: folder(name) },
        to: { path: anyOf(row.filter((other) => other !== name)) },
      });
    }
  }
  return rules;
});

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'an import cycle: one of the modules in it belongs lower, or the shared part belongs in its own module',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'layer-unknown-folder',
      comment: 'every folder of src/ has a place in the layer list above (and in src/CONTEXT.md)',
      severity: 'error',
      from: { path: '^src/', pathNot: anyOf(LAYERS.flat()) },
      to: {},
    },
    ...layerRules,
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    includeOnly: '^src/',
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
