import type { Connection } from '../../adapters/adapter.js';
import { KpiError } from '../../errors.js';
import { StatementError } from '../../adapters/statement-error.js';
import type { Fixture } from '../../project/unit-tests/types.js';

/**
 * Plan a fixture's query on its own (`limit 0` runs nothing; Postgres still casts constant
 * values while planning), so a value that does not fit its column type is reported at the
 * fixture's YAML position instead of somewhere inside the combined query.
 */
export async function checkFixtureSql(connection: Connection, sql: string, fixture: Fixture, what: string): Promise<void> {
  const statement = `select * from (\n${sql.replace(/[\s;]+$/, '')}\n) as fixture limit 0`;
  try {
    await connection.query(statement);
  } catch (error) {
    const cause = StatementError.from(statement, error);
    throw new KpiError('KPI_UNIT_TEST_INVALID', `${what}: ${cause.message}`, {
      location: fixture.fixture ? { file: fixture.fixture } : fixture.location,
      // No `cause`: the runner would report it as a database error and lose the YAML position.
      hint: cause.hint ?? undefined,
    });
  }
}
