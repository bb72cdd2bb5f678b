import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generatePassword } from '../tools/local-cloud/cognito-users';
import { localAppEnvironment } from '../tools/local-cloud/local-app.environment';
import { startLocalCloud, type LocalCloud } from '../tools/local-cloud/local-cloud';
import { REDIS_MISSING_WARNING } from '../tools/local-cloud/redis-server.process';
import { FREE_PORTS, parseLocalCloudProfile, parseSeed } from '../tools/local-cloud/local-cloud.options';
import { E2E_APP_VARIABLES, E2E_USERS } from './e2e-environment';

/** Where the teardown finds the cloud: jest runs globalSetup and globalTeardown in one process. */
export const LOCAL_CLOUD_GLOBAL = '__E2E_LOCAL_CLOUD__';

/**
 * Jest global setup for the e2e project: a fresh local cloud on free ports in a temp folder,
 * seeded, with a second user, both users logged in once. Everything goes into `process.env`,
 * which the jest workers inherit; `e2eEnvironment()` reads it back, typed.
 * `LOCAL_CLOUD_PROFILE=aws` runs the suites through the AWS profile (`LOCAL_CLOUD_SEED` fixes
 * its delays); the default is `loopback`.
 */
export default async function globalSetup(): Promise<void> {
  const profile = parseLocalCloudProfile(process.env.LOCAL_CLOUD_PROFILE, 'LOCAL_CLOUD_PROFILE');
  const seed = parseSeed(process.env.LOCAL_CLOUD_SEED, 'LOCAL_CLOUD_SEED');
  const dir = await mkdtemp(join(tmpdir(), 'e2e-local-cloud-'));
  const cloud = await startLocalCloud({ dir, ports: FREE_PORTS, profile, seed });
  if (cloud.outputs.profile) {
    console.log(`\ne2e local cloud: ${cloud.outputs.profile.name} profile, seed ${cloud.outputs.profile.seed}`);
  }
  (globalThis as Record<string, unknown>)[LOCAL_CLOUD_GLOBAL] = cloud;
  const demo = cloud.outputs.demoUser;
  const other = { username: E2E_USERS.other, password: generatePassword() };
  // One user at a time: cognito-local's JSON store breaks on concurrent writes.
  await cloud.ensureUser(other.username, other.password);
  const demoTokens = await cloud.login(demo.username, demo.password);
  const otherTokens = await cloud.login(other.username, other.password);

  if (!cloud.outputs.endpoints.redis) console.warn(`\ne2e local cloud: ${REDIS_MISSING_WARNING}`);
  const appEnvironment = {
    ...localAppEnvironment(cloud.outputs),
    // Every suite's refused tokens come from 127.0.0.1 and, with redis-server, count in one
    // shared bucket: suites would throttle each other. The specs about that limit set their own.
    RATE_LIMIT_AUTH_FAILURES_PER_SECOND: '0',
  };
  Object.assign(process.env, appEnvironment, {
    [E2E_APP_VARIABLES]: Object.keys(appEnvironment).join(','),
    E2E_DEMO_ACCESS_TOKEN: demoTokens.accessToken,
    E2E_OTHER_ACCESS_TOKEN: otherTokens.accessToken,
    E2E_DEMO_USERNAME: demo.username,
    E2E_OTHER_USERNAME: other.username,
    E2E_DEMO_PASSWORD: demo.password,
    E2E_OTHER_PASSWORD: other.password,
    E2E_COGNITO_ENDPOINT: cloud.outputs.endpoints.cognito,
    E2E_LOCAL_CLOUD_DIR: dir,
  });
}

export function runningE2eCloud(): LocalCloud | undefined {
  return (globalThis as Record<string, unknown>)[LOCAL_CLOUD_GLOBAL] as LocalCloud | undefined;
}
