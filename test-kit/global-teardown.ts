import { rm } from 'node:fs/promises';
import { LOCAL_CLOUD_GLOBAL, runningE2eCloud } from './global-setup';

/** Stops the local cloud the global setup started and removes its temp folder. */
export default async function globalTeardown(): Promise<void> {
  const cloud = runningE2eCloud();
  if (!cloud) return;
  delete (globalThis as Record<string, unknown>)[LOCAL_CLOUD_GLOBAL];
  await cloud.stop();
  await rm(cloud.dir, { recursive: true, force: true });
}
