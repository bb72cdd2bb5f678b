import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { randomBytes, randomUUID } from 'node:crypto';
import { readCpuSeconds, readMachineBusySeconds } from '../upload/proc-stats';
import type { WorkerBenchCloud } from './worker-bench.cloud';

const SHA256_SHAPED = '0'.repeat(64);

/** One concurrency level of the raw PutObject ceiling. */
export interface CeilingLevel {
  concurrency: number;
  objects: number;
  seconds: number;
  objectsPerSecond: number;
  /** CPU of both local cloud processes per object, µs (the stand-ins besides s3rver idle here). */
  cloudCpuMicrosPerObject: number;
  cloudCpuPercent: number;
  /** s3rver's process alone. */
  s3CpuMicrosPerObject: number;
  s3CpuPercent: number;
  /** The load generator (this process: the same S3 client as the worker's) per object, µs. */
  clientCpuMicrosPerObject: number;
  /** The whole machine's busy CPU (100 % = one core), this process and the cloud included. */
  machineCpuPercent: number;
  /** Machine CPU not used by the cloud or this process (the load generator): other work sharing the machine. */
  otherCpuPercent: number;
}

/**
 * PutObject of fresh 1 KiB objects (keys shaped like the worker's) with `concurrency` calls
 * always in flight, through the same S3 client the worker's FileStorage puts with
 * (createFileStorageS3Client: keep-alive, 64 sockets, its per-call tuning): the most this local
 * S3 can store, with nothing else in the way. A short untimed warm-up opens the connections first.
 */
export async function measureCeiling(
  s3: S3Client,
  bucket: string,
  concurrency: number,
  objects: number,
  bodyBytes: number,
  cloud: WorkerBenchCloud,
): Promise<CeilingLevel> {
  const body = randomBytes(bodyBytes);
  await putMany(s3, bucket, body, concurrency, Math.max(concurrency * 4, 100));
  const cpuBefore = await cloud.cpuSeconds();
  const machineBefore = await readMachineBusySeconds();
  const selfBefore = await readCpuSeconds(process.pid);
  const started = performance.now();
  await putMany(s3, bucket, body, concurrency, objects);
  const seconds = (performance.now() - started) / 1000;
  const cpuAfter = await cloud.cpuSeconds();
  const cloudCpu = cpuAfter.total - cpuBefore.total;
  const s3Cpu = cpuAfter.s3 - cpuBefore.s3;
  const machineBusy = (await readMachineBusySeconds()) - machineBefore;
  const selfCpu = (await readCpuSeconds(process.pid)) - selfBefore;
  return {
    concurrency,
    objects,
    seconds,
    objectsPerSecond: objects / seconds,
    cloudCpuMicrosPerObject: (cloudCpu * 1e6) / objects,
    cloudCpuPercent: (cloudCpu / seconds) * 100,
    s3CpuMicrosPerObject: (s3Cpu * 1e6) / objects,
    s3CpuPercent: (s3Cpu / seconds) * 100,
    clientCpuMicrosPerObject: (selfCpu * 1e6) / objects,
    machineCpuPercent: (machineBusy / seconds) * 100,
    otherCpuPercent: ((machineBusy - cloudCpu - selfCpu) / seconds) * 100,
  };
}

async function putMany(s3: S3Client, bucket: string, body: Buffer, concurrency: number, count: number): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < count) {
      next += 1;
      await s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: `uploads/${randomUUID()}.bin`,
          Body: body,
          ContentLength: body.length,
          ContentType: 'application/octet-stream',
          // The same user metadata the worker writes (FileStorage.metadataOf): same request shape.
          Metadata: { 'owner-sub': 'bench-sub', 'owner-username': 'demo@example.com', sha256: SHA256_SHAPED, 'upload-id': randomUUID(), 'original-name': 'bench.bin' },
        }),
      );
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
}
