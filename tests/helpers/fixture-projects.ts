import { deps } from '../../src/api.js';
import { copyFixture, writeFile } from './fixtures.js';

/** unit_shop with the sources its unit tests write, in `schema`. */
export function unitShopWithSources(schema: string): string {
  const dir = copyFixture('unit_shop');
  writeFile(dir, 'models/sources.yml', `version: 2\nsources:\n  - name: shop\n    schema: ${schema}\n    tables:\n      - name: orders\n      - name: customers\n`);
  return dir;
}

/** pkg_shop with its packages installed. */
export async function pkgShopWithPackages(): Promise<string> {
  const dir = copyFixture('pkg_shop');
  await deps({ projectDir: dir });
  return dir;
}
