import type { RunEvent } from '../../src/execution/types.js';

/** Collects events so a test can read what a run reported. */
export function eventLog() {
  const events: RunEvent[] = [];
  return {
    events,
    onEvent: (event: RunEvent) => {
      events.push(event);
    },
    diagnostics: () => events.flatMap((event) => (event.type === 'diagnostic' ? [event.diagnostic] : [])),
  };
}
