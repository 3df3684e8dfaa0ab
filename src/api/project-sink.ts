import { isAbsolute, join } from 'node:path';
import { kpiLog } from '../artifacts/kpi-log.js';
import type { LoadedProject } from '../config/load-project.js';
import type { EventSink } from '../execution/types.js';
import { redactor } from '../support/redact.js';

/** What a command's events go to (ProjectOptions.onEvent). A module of its own: a replayed compile (compile-replay.ts) reports without loading the parser. */
export interface SinkOptions {
  onEvent?: EventSink;
}

export function emitter(options: SinkOptions): EventSink {
  return options.onEvent ?? (() => undefined);
}

/** The project's event sink: secrets out, every event into logs/kpi.log, then to the caller. */
export function projectSink(options: SinkOptions, loaded: LoadedProject, invocationId: string): EventSink {
  const forward = emitter(options);
  const logDir = isAbsolute(loaded.config.logPath) ? loaded.config.logPath : join(loaded.config.projectDir, loaded.config.logPath);
  const log = kpiLog(logDir, invocationId);
  const redact = redactor(loaded.secrets);
  return (event) => {
    const safe = redact(event);
    log(safe);
    forward(safe);
  };
}
