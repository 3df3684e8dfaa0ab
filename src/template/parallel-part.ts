/**
 * `parallel_part(key)`: the condition that keeps the rows of this connection's part of a
 * model built in parts (config `parallel_parts`, materializations/parallel-build.ts). The
 * model places it where splitting saves work (on the series a window function partitions
 * by, say), with an integer `key` that is the same for all the rows that belong together.
 * One compiled SQL serves every part: the part is read at run time from two settings each
 * part's transaction sets, and where they are unset (a build in one part, an increment, the
 * embedded database, `kpi compile`) the condition holds for every row.
 */

/** The settings a part's transaction sets: how many parts, and which one this is (from 0). */
export const PARALLEL_PARTS_SETTING = 'kpi.parallel_parts';
export const PARALLEL_PART_SETTING = 'kpi.parallel_part';

function setting(name: string, unset: number): string {
  return `coalesce(nullif(current_setting('${name}', true), ''), '${unset}')::int`;
}

export function parallelPartCondition(key: string): string {
  return `(mod(abs((${key})::bigint), ${setting(PARALLEL_PARTS_SETTING, 1)}) = ${setting(PARALLEL_PART_SETTING, 0)})`;
}
