/**
 * nunjucks' `Frame.set` splits each name on '.' (so `loop.index` lands in the frame's `loop`
 * object) on every call: a new array each time, and a loop sets seventeen names an iteration.
 * The names are constants of the compiled code, so their parts are split once and kept. The
 * behaviour is nunjucks' own: `resolveUp` writes into the nearest frame that has the first
 * part (not past a frame that isolates writes), and a missing or falsy object on the way is
 * replaced by a new one.
 */
import type { NunjucksInternals } from './jinja-nodes.js';

interface Frame {
  variables: Record<string, unknown>;
  resolve(name: string, forWrite: boolean): Frame | undefined;
}

/** Past this many distinct names (a template that builds names as it runs), parts are split each call again. */
const KEPT_NAMES = 10_000;

export function installFrameSet({ runtime }: NunjucksInternals): void {
  const parts = new Map<string, string[]>();
  const split = (name: string): string[] => {
    let found = parts.get(name);
    if (!found) {
      found = name.split('.');
      if (parts.size < KEPT_NAMES) parts.set(name, found);
    }
    return found;
  };
  runtime.Frame.prototype.set = function set(this: Frame, name: string, value: unknown, resolveUp?: boolean): void {
    const path = split(name);
    const frame = (resolveUp && this.resolve(path[0], true)) || this;
    let target = frame.variables;
    const last = path.length - 1;
    for (let i = 0; i < last; i++) {
      if (!target[path[i]]) target[path[i]] = {};
      target = target[path[i]] as Record<string, unknown>;
    }
    target[path[last]] = value;
  };
}
