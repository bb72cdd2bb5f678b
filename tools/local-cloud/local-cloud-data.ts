import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { LocalCloudConfigError } from './local-cloud-config.error';

/** Where each stand-in keeps its data inside the local cloud's folder. */
export function dataPaths(dir: string) {
  return {
    kinesis: join(dir, 'kinesis'),
    dynamodb: join(dir, 'dynamodb'),
    s3: join(dir, 's3'),
    cognito: join(dir, 'cognito'),
    // redis-server's working folder; it persists nothing there.
    redis: join(dir, 'redis'),
    pidFile: join(dir, 'local-cloud.pid'),
  };
}

const OWN_ENTRIES = /^(kinesis|dynamodb|s3|cognito|redis|outputs\.json|local-cloud\.pid|.*\.tmp)$/;

/**
 * Deletes the local cloud's data. Refuses when the folder holds anything the local cloud did
 * not put there (a mistyped LOCAL_CLOUD_DIR must not wipe someone's home), or when a local
 * cloud is running on it.
 */
export async function wipeLocalCloudData(dir: string): Promise<void> {
  if (!existsSync(dir)) return;
  assertNotRunning(dir);
  const foreign = (await readdir(dir)).filter((name) => !OWN_ENTRIES.test(name));
  if (foreign.length > 0) {
    throw new LocalCloudConfigError(
      `Not wiping ${dir}: it holds files the local cloud did not create (${foreign.slice(0, 3).join(', ')})`,
    );
  }
  await rm(dir, { recursive: true, force: true });
}

/** Folders claimed by local clouds running in this process (the pid file cannot tell them apart). */
const claimedHere = new Set<string>();

/** Claims the folder for this process: two local clouds on one folder would corrupt LevelDB. */
export async function claimLocalCloudData(dir: string): Promise<void> {
  assertNotRunning(dir);
  claimedHere.add(resolve(dir));
  await mkdir(dir, { recursive: true });
  await writeFile(dataPaths(dir).pidFile, `${process.pid}\n`);
}

export async function releaseLocalCloudData(dir: string): Promise<void> {
  if (!claimedHere.delete(resolve(dir))) return;
  if (runningPid(dir) === process.pid) await rm(dataPaths(dir).pidFile, { force: true });
}

function assertNotRunning(dir: string): void {
  // Our own pid in the file without a claim here is a stale file whose pid was reused.
  const pid = claimedHere.has(resolve(dir)) ? process.pid : runningPid(dir);
  const running = pid !== undefined && (pid !== process.pid || claimedHere.has(resolve(dir)));
  if (running) {
    throw new LocalCloudConfigError(
      `A local cloud is already running on ${dir} (pid ${pid}): stop it first, or set LOCAL_CLOUD_DIR to another folder`,
    );
  }
}

/** The pid in the folder's pid file if that process is still alive. */
function runningPid(dir: string): number | undefined {
  let pid: number;
  try {
    pid = Number(readFileSync(dataPaths(dir).pidFile, 'utf8').trim());
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (error) {
    // EPERM: alive but someone else's.
    return (error as NodeJS.ErrnoException).code === 'EPERM' ? pid : undefined;
  }
}
