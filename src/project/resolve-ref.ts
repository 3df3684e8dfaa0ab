/**
 * Which package a `ref()` or `source()` finds, as dbt resolves them: with a package named
 * (`ref('pkg', 'model')`), only there; otherwise the root project first (so a project can
 * replace a package's model), then the calling node's own package, then any package.
 */
export function packageSearchOrder(target: string | null, callingPackage: string, rootPackage: string): Array<string | null> {
  if (target !== null) return [target];
  if (callingPackage === rootPackage) return [rootPackage, null];
  return [rootPackage, callingPackage, null];
}

/** The candidate (all sharing one name) that the search order reaches first; `null` in the order is any package. */
export function pickByPackage<T extends { package_name: string }>(candidates: readonly T[] | undefined, target: string | null, callingPackage: string, rootPackage: string): T | undefined {
  if (!candidates || candidates.length === 0) return undefined;
  for (const pkg of packageSearchOrder(target, callingPackage, rootPackage)) {
    const found = pkg === null ? candidates[0] : candidates.find((candidate) => candidate.package_name === pkg);
    if (found) return found;
  }
  return undefined;
}

/**
 * Of the nodes sharing a name, those `ref(name, v=version)` may mean: the version asked
 * for, or without one the latest version (an unversioned node is its own latest), as dbt.
 */
export function pickVersion<T extends { version?: string | number | null; latest_version?: string | number | null }>(
  candidates: readonly T[] | undefined,
  version: string | number | null | undefined,
): T[] | undefined {
  if (!candidates) return undefined;
  if (version !== null && version !== undefined)
    return candidates.filter((candidate) => candidate.version !== null && candidate.version !== undefined && String(candidate.version) === String(version));
  return candidates.filter((candidate) => candidate.version === null || candidate.version === undefined || String(candidate.version) === String(candidate.latest_version));
}
