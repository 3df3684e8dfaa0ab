/**
 * Let the event loop turn. The embedded database answers queries without ever leaving the
 * microtask queue, so a long run on it starves timers and signal handlers: Ctrl-C would
 * not be seen until the run ends. A check-phase turn between statements lets them in.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
