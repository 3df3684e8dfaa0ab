/**
 * Splitting a call's arguments: nunjucks passes keyword arguments (`f(a, b=1)`) as a trailing
 * object marked `__keywords`; JavaScript functions in the context take them apart here.
 */
export type Keywords = Record<string, unknown>;

export function splitArgs(args: readonly unknown[]): { positional: unknown[]; kwargs: Keywords } {
  const last = args[args.length - 1];
  if (typeof last === 'object' && last !== null && Object.prototype.hasOwnProperty.call(last, '__keywords')) {
    const { __keywords: _, ...kwargs } = last as Keywords;
    return { positional: args.slice(0, -1), kwargs };
  }
  return { positional: [...args], kwargs: {} };
}

/** Arguments by name: each of `names` from its keyword, or else from its position. */
export function namedArgs(args: readonly unknown[], names: readonly string[]): Keywords {
  const { positional, kwargs } = splitArgs(args);
  const named: Keywords = { ...kwargs };
  names.forEach((name, index) => {
    if (!(name in named) && index < positional.length) named[name] = positional[index];
  });
  return named;
}
