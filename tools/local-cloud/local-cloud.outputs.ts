import { readFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LocalCloudPorts, LocalCloudProfile } from './local-cloud.options';

/** Names shared with the apps (the public contract in DESIGN.md §3). */
export const LOCAL_NAMES = {
  region: 'us-east-1',
  streamName: 'file-events',
  shardCount: 4,
  bucket: 'file-store',
  uploadsTable: 'file-uploads',
  leaseTable: 'file-worker-leases',
  userPoolId: 'us-east-1_LocalPool1',
  issuerDomain: 'https://cognito-idp.us-east-1.amazonaws.com',
  appClientName: 'local-app',
  demoUsername: 'demo@example.com',
} as const;

/** s3rver accepts only this key pair; the other stand-ins accept anything. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

/**
 * What a seeded local cloud looks like from outside, persisted in `<dir>/outputs.json` so
 * that `npm run token`, `run-app` and the next start (which reuses the client id and the
 * demo password) can find it.
 */
export interface LocalCloudOutputs {
  region: string;
  ports: LocalCloudPorts;
  /** `redis` (redis://…) only where redis-server is installed; its port in `ports` is then the one it listens on, else 0. */
  endpoints: { kinesis: string; s3: string; dynamodb: string; cognito: string; redis?: string };
  credentials: { accessKeyId: string; secretAccessKey: string };
  streamName: string;
  bucket: string;
  uploadsTable: string;
  leaseTable: string;
  userPoolId: string;
  clientId: string;
  issuer: string;
  jwksUri: string;
  demoUser: { username: string; password: string };
  /** When the local cloud that wrote this file finished seeding (ISO 8601). */
  seededAt: string;
  /**
   * Absent for `loopback`. For `aws`, `endpoints` are the shaping proxies (what the apps use);
   * the stand-ins themselves are here, with the seed that replays the delays.
   */
  profile?: { name: Exclude<LocalCloudProfile, 'loopback'>; seed: number; standIns: { kinesis: string; s3: string; dynamodb: string } };
}

export function outputsPath(dir: string): string {
  return join(dir, 'outputs.json');
}

/** The outputs of the last seeding in `dir`, or undefined if there are none (or they are unreadable). */
export function readOutputs(dir: string): LocalCloudOutputs | undefined {
  try {
    const outputs = JSON.parse(readFileSync(outputsPath(dir), 'utf8')) as Partial<LocalCloudOutputs>;
    return typeof outputs.clientId === 'string' && outputs.endpoints && outputs.demoUser
      ? (outputs as LocalCloudOutputs)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Written whole and renamed into place, so a reader never sees half a file. */
export async function writeOutputs(dir: string, outputs: LocalCloudOutputs): Promise<void> {
  const file = outputsPath(dir);
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(outputs, null, 2)}\n`);
  await rename(temporary, file);
}
