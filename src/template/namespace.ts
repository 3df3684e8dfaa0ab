import { pythonRepr } from './python-values.js';

/**
 * What `namespace(a=1)` makes: attributes a loop can set (`{% set ns.a = 2 %}`). Not a dict,
 * so `ns.items` is the attribute `items`, not a dict method, as in Jinja.
 */
export class Namespace {
  [name: string]: unknown;

  constructor(values: Record<string, unknown>) {
    Object.assign(this, values);
  }

  toString(): string {
    return `<Namespace ${pythonRepr({ ...this })}>`;
  }
}
