import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import type * as Yaml from 'yaml';
import { parse as packageParse, stringify as packageStringify } from 'yaml';

// `npm test` builds first: the CLI bundle and the yaml package made into one file beside it (scripts/bundle-cli.js).
const bundled = createRequire(import.meta.url)('../../dist/bundle/yaml.cjs') as typeof Yaml;

describe('the yaml package in the CLI bundle', () => {
  it('reads and writes YAML as the package does: anchors, merge keys, block scalars, flow collections, errors with their place', () => {
    const text = [
      'defaults: &defaults',
      '  +materialized: view',
      '  +tags: [a, "b c"]',
      'models:',
      '  shop:',
      '    <<: *defaults',
      '    description: |',
      '      Two lines,',
      '      kept.',
      '    enabled: yes',
      '    threshold: 0.5e3',
      '    empty: ~',
    ].join('\n');
    expect(bundled.parse(text, { merge: true })).toEqual(packageParse(text, { merge: true }));
    expect(bundled.stringify({ a: [1, { b: 'x: y' }] })).toBe(packageStringify({ a: [1, { b: 'x: y' }] }));
    const broken = 'models:\n  - a\n  b: c\n';
    expect(() => bundled.parse(broken)).toThrow(/line 3, column/);
    expect(() => packageParse(broken)).toThrow(/line 3, column/);
  });

  it('parses documents into the same nodes, so located errors and comments work from the bundle', () => {
    const text = '# top\nname: shop # trailing\nvars:\n  x: 1\n';
    const fromBundle = bundled.parseDocument(text);
    expect(bundled.isMap(fromBundle.contents)).toBe(true);
    expect(fromBundle.toString()).toBe(text);
    expect(fromBundle.getIn(['vars', 'x'])).toBe(1);
  });
});
