import type { SourceLocation } from '../errors.js';
import type { ContractConfig, ManifestNode } from '../manifest/types.js';
import type { Diagnostics } from '../support/diagnostics.js';
import { isPlainObject } from '../support/is-plain-object.js';
import type { NodePatch } from './property-files.js';
import { parseConstraintTarget } from './read-constraints.js';

/** dbt's `contract` config, `{enforced: true}` or absent; `alias_types` defaults to true as in dbt. */
export function contractConfig(value: unknown): ContractConfig {
  const config = isPlainObject(value) ? value : {};
  return { enforced: config.enforced === true, alias_types: config.alias_types !== false };
}

/**
 * A model's contract and constraints, checked as dbt checks them at parse time: an
 * enforced contract needs the model's columns, each with a data_type, and a model that
 * builds a table; constraints apply only under an enforced contract, and never to views
 * (a warning says so, rather than skipping them silently). A foreign key's `to` becomes
 * an edge of the DAG, as in dbt 1.9, so the referenced model is built first.
 */
export function applyContract(node: ManifestNode, patch: NodePatch | undefined, diagnostics: Diagnostics, location: SourceLocation): void {
  const contract = contractConfig(node.config.contract);
  node.contract = { ...contract, checksum: null };
  node.config.contract = contract;
  node.constraints = patch?.constraints ?? [];
  const at = patch?.location ?? location;
  const columns = Object.values(node.columns);
  const constrained = node.constraints.length > 0 || columns.some((column) => (column.constraints ?? []).length > 0);
  const materialized = node.config.materialized;

  if (contract.enforced) {
    if (materialized === 'ephemeral') {
      diagnostics.error(
        'KPI_CONTRACT_INVALID',
        `model '${node.name}' is ephemeral and has an enforced contract; ephemeral models build no relation to hold it to`,
        at,
        'materialize it as a table, view or incremental model, or drop the contract',
      );
    }
    if (columns.length === 0) {
      diagnostics.error(
        'KPI_CONTRACT_INVALID',
        `model '${node.name}' has an enforced contract and declares no columns`,
        at,
        'list its columns, each with a data_type, under columns: in its property file',
      );
    }
    const untyped = columns.filter((column) => !column.data_type);
    if (untyped.length > 0) {
      diagnostics.error(
        'KPI_CONTRACT_INVALID',
        `model '${node.name}' has an enforced contract; contracted models require data_type to be defined for each column (missing for ${untyped.map((column) => column.name).join(', ')})`,
        at,
      );
    }
  }
  if (constrained && !contract.enforced) {
    diagnostics.warn(
      'KPI_CONTRACT_INVALID',
      `constraints of model '${node.name}' are not applied: they are only created under an enforced contract`,
      at,
      'add config: {contract: {enforced: true}} to the model',
    );
  } else if (constrained && materialized === 'view') {
    diagnostics.warn('KPI_CONTRACT_INVALID', `constraints of model '${node.name}' are not applied: a view holds no constraints (its contract's columns and types are checked)`, at);
  }

  for (const constraint of [...node.constraints, ...columns.flatMap((column) => column.constraints ?? [])]) {
    const target = constraint.to ? parseConstraintTarget(constraint.to) : null;
    if (target?.kind === 'ref') node.refs.push({ name: target.name, package: target.package, ...(target.version ? { version: target.version } : {}) });
    if (target?.kind === 'source') node.sources.push([target.source, target.table]);
  }
}
