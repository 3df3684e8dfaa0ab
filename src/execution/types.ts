import type { Diagnostic } from '../support/diagnostics.js';
import type { ResourceType } from '../manifest/types.js';

/** `partial success`: a microbatch model some of whose batches failed (dbt's PartialSuccess). */
export type NodeStatus = 'success' | 'error' | 'skipped' | 'pass' | 'fail' | 'warn' | 'partial success';

export interface TimingInfo {
  name: 'compile' | 'execute';
  started_at: string;
  completed_at: string;
}

/** One node's outcome, in run_results.json's shape. */
export interface NodeResult {
  unique_id: string;
  status: NodeStatus;
  timing: TimingInfo[];
  thread_id: string;
  execution_time: number;
  adapter_response: { _message?: string; code?: string; rows_affected?: number | null };
  message: string | null;
  failures: number | null;
  compiled: boolean;
  compiled_code: string | null;
  relation_name: string | null;
  /** kpi: a machine-readable error code for errors. */
  error_code?: string;
  /** kpi: batch results of microbatch models, rows of a failing test. */
  detail?: Record<string, unknown>;
}

export interface NodeDescription {
  unique_id: string;
  name: string;
  resource_type: ResourceType;
  materialized: string;
  schema: string;
  alias: string;
  relation: string | null;
}

/** One batch of a microbatch model, as the events describe it. */
export interface BatchDescription {
  /** 1-based, of `total`. */
  index: number;
  total: number;
  /** dbt's batch label: 2024-09-17T16, 2024-09-17, 2024-09 or 2024. */
  label: string;
  start: string;
  end: string;
}

export type RunEvent =
  | { type: 'diagnostic'; diagnostic: Diagnostic }
  | { type: 'run_started'; command: string; counts: Record<string, number>; threads: number; target: string; adapter: string; total: number }
  | { type: 'node_started'; index: number; total: number; node: NodeDescription }
  | { type: 'node_finished'; index: number; total: number; node: NodeDescription; result: NodeResult }
  | { type: 'batch_started'; node: NodeDescription; batch: BatchDescription }
  | { type: 'batch_finished'; node: NodeDescription; batch: BatchDescription; status: 'success' | 'error' | 'skipped'; message: string; execution_time: number }
  | { type: 'log'; level: 'info' | 'warn' | 'debug'; message: string }
  | { type: 'run_finished'; command: string; results: NodeResult[]; elapsedSeconds: number; interrupted?: boolean };

export type EventSink = (event: RunEvent) => void;

/** Statuses that stop a node's descendants from running. */
export const BLOCKING: ReadonlySet<NodeStatus> = new Set(['error', 'fail', 'skipped', 'partial success']);
