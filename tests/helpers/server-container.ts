import { existsSync } from 'node:fs';

/**
 * Vitest global setup: with no KPI_TEST_PG_URL and a Docker engine on this machine, the
 * server suite runs against a PostgreSQL started with testcontainers. Without Docker the
 * suite runs on the embedded database only, as before: Docker is never required.
 */
export default async function startServerContainer(): Promise<(() => Promise<void>) | undefined> {
  if (process.env.KPI_TEST_PG_URL || process.env.KPI_TEST_NO_CONTAINER || !dockerEngineReachable()) return undefined;
  const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
  const container = await new PostgreSqlContainer('postgres:15-alpine').withDatabase('test').withUsername('postgres').withPassword('postgres').start();
  // Forked test workers inherit the environment the setup leaves.
  process.env.KPI_TEST_PG_URL = container.getConnectionUri();
  console.log(`server suite: PostgreSQL in a container at ${container.getHost()}:${container.getPort()}`);
  return async () => {
    await container.stop();
  };
}

function dockerEngineReachable(): boolean {
  const host = process.env.DOCKER_HOST;
  if (host) return !host.startsWith('unix://') || existsSync(host.slice('unix://'.length));
  return existsSync('/var/run/docker.sock');
}
