import type { MacroDefinition } from '../manifest/types.js';

/**
 * Context names whose value is not a function of the manifest, the target, the flags, the
 * `--vars` and the environment variables a render reads (which the compiled-SQL memo
 * records): the invocation and the clock, the database, messages a render prints, a
 * random choice, and the selection. A template that can reach one of them is rendered on
 * every compile. Matched as words anywhere in the text (SQL and string literals too), so a
 * name built or quoted in a template is still seen; a false match costs only a render.
 */
const IMPURE_NAMES = [
  'invocation_id',
  'run_started_at',
  'modules',
  'log',
  'print',
  'exceptions',
  'warn',
  'selected_resources',
  'random',
  'run_query',
  'statement',
  'load_result',
  'store_result',
  'store_raw_result',
  'load_relation',
  'context',
];

const IMPURE = new RegExp(`\\b(?:${IMPURE_NAMES.join('|')})\\b`);
/** `adapter.dispatch(...)` and `adapter.quote(...)` are pure; any other use of `adapter` may ask the database. */
const IMPURE_ADAPTER = /\badapter\b(?!\s*\.\s*(?:dispatch|quote)\b)/;
const WORD = /[A-Za-z_][A-Za-z0-9_]*/g;

function locallyImpure(text: string): boolean {
  return IMPURE.test(text) || IMPURE_ADAPTER.test(text);
}

/**
 * Whether a template's render is a pure function of what the compiled-SQL memo keys it by:
 * neither its text nor any macro it can reach names an impure context value. A macro is
 * reachable when a word of the text is its name or, for `adapter.dispatch('x')`, its name
 * ends in `__x` (postgres__x, default__x). Over-approximates: a reachable macro need not be
 * called. The database queries a render makes are also caught at run time (api/compile.ts).
 */
export class RenderPurity {
  /** Macros by name, and by what follows their last `__` (what dispatch asks for). */
  private readonly byWord = new Map<string, MacroDefinition[]>();
  private readonly impureMacros = new Set<string>();
  /** The words that reach an impure macro, as one pattern: a node's text is scanned once, not split into words. */
  private readonly reachesImpureWord: RegExp | null;

  constructor(macros: Iterable<MacroDefinition>) {
    const all = [...macros];
    for (const macro of all) {
      this.index(macro.name, macro);
      const cut = macro.name.lastIndexOf('__');
      if (cut > 0) this.index(macro.name.slice(cut + 2), macro);
    }
    // A macro is impure when its text is, or when a macro it can reach is: spread to a fixed point.
    const words = new Map(all.map((macro) => [macro.unique_id, new Set(macro.macro_sql.match(WORD) ?? [])]));
    for (const macro of all) if (locallyImpure(macro.macro_sql)) this.impureMacros.add(macro.unique_id);
    for (let changed = true; changed;) {
      changed = false;
      for (const macro of all) {
        if (this.impureMacros.has(macro.unique_id)) continue;
        if (this.reachesImpure(words.get(macro.unique_id)!)) {
          this.impureMacros.add(macro.unique_id);
          changed = true;
        }
      }
    }
    const impureWords = [...this.byWord].filter(([, list]) => list.some((macro) => this.impureMacros.has(macro.unique_id))).map(([word]) => word);
    this.reachesImpureWord = impureWords.length > 0 ? new RegExp(`\\b(?:${impureWords.join('|')})\\b`) : null;
  }

  private index(word: string, macro: MacroDefinition): void {
    const list = this.byWord.get(word);
    if (list) list.push(macro);
    else this.byWord.set(word, [macro]);
  }

  private reachesImpure(words: Iterable<string>): boolean {
    for (const word of words) {
      for (const macro of this.byWord.get(word) ?? []) if (this.impureMacros.has(macro.unique_id)) return true;
    }
    return false;
  }

  /** Whether rendering this template text gives the same SQL whenever the memo's key is the same. */
  isPure(text: string): boolean {
    if (locallyImpure(text)) return false;
    return !this.reachesImpureWord?.test(text);
  }
}
