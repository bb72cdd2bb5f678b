import { findRedisServer, REDIS_INSTALL_COMMAND } from '../tools/local-cloud/redis-server.process';

/**
 * Whether tests that need a real redis-server can run here. CI installs it (.ci/run), so
 * under CI=true its absence fails the test run instead of skipping the shared-store path;
 * elsewhere the caller skips, and the reason is printed, not swallowed.
 */
export function redisServerAvailable(what: string): boolean {
  if (findRedisServer() !== undefined) return true;
  const reason = `redis-server is not installed: ${what} needs it (${REDIS_INSTALL_COMMAND})`;
  if (process.env.CI === 'true') throw new Error(`${reason}; CI must run it`);
  console.warn(`SKIPPED: ${reason}`);
  return false;
}
