import type { ExecutorRegistry } from '../execution/run-context.js';
import { materializeIncremental } from '../materializations/incremental/incremental.js';
import { materializeMaterializedView } from '../materializations/materialized-view.js';
import { materializeTable } from '../materializations/table.js';
import { materializeView } from '../materializations/view.js';
import { runModel } from '../runner/model/run-model.js';
import { runSeed } from '../runner/seed/run-seed.js';
import { runSnapshot } from '../runner/snapshot/run-snapshot.js';
import { runTest } from '../runner/test/run-test.js';
import { runUnitTest } from '../runner/unit-test/run-unit-test.js';

/** Every resource type kpi runs and every materialization it builds, in one place. */
export const REGISTRY: ExecutorRegistry = {
  executors: { model: runModel, seed: runSeed, snapshot: runSnapshot, test: runTest, unit_test: runUnitTest },
  materializations: { view: materializeView, table: materializeTable, incremental: materializeIncremental, materialized_view: materializeMaterializedView },
};
