/** A request the dashboard refuses: answered with `status` and `{ error, hint }` as JSON. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** A request value repeated in a message: short, so a long or hostile input does not fill the answer. */
export function shown(text: string): string {
  const clipped = text.length > 60 ? `${text.slice(0, 60)}…` : text;
  return `'${clipped}'`;
}
