/**
 * The one list of model materializations kpi builds. Parsing refuses any other name; the
 * API's registry (api/executors.ts) maps each one that builds a relation to its function,
 * and TypeScript checks that the two agree.
 */
export const MODEL_MATERIALIZATIONS = ['view', 'table', 'incremental', 'materialized_view', 'ephemeral'] as const;

export type ModelMaterialization = (typeof MODEL_MATERIALIZATIONS)[number];

/** Ephemeral models build nothing: compile inlines them as CTEs. */
export type BuiltMaterialization = Exclude<ModelMaterialization, 'ephemeral'>;

/** dbt materializations kpi knows of but does not build yet: a parse error says so, rather than "unknown". */
export const NOT_YET_BUILT: readonly string[] = [];
