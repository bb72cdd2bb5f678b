// What one PutObject costs the *client* (`npx tsx bench/worker/s3-client-cost.main.ts
// [--objects N] [--concurrency C] [--rounds R] [--only NAME]`): the shared S3 client, the
// worker's FileStorage client and a step in between put 1 KiB objects into the benchmark's
// s3rver (a process of its own), interleaved round by round; this process's CPU per object is
// the client's cost (the worker pays it once per file). On a shared machine compare the
// medians of one run, not runs with each other.
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createS3Client, type AwsClientsOptions } from '@lib/aws';
import { createFileStorageS3Client, FILE_STORAGE_S3_TUNING } from '../../apps/worker/src/files/file-storage.s3-client';
import { LOCAL_CREDENTIALS } from '../../tools/local-cloud/local-cloud.outputs';
import { baseEnvironment } from '../upload/bench-servers';
import { S3ServerProcess } from './s3-server.process';

const BUCKET = 'client-cost';

type Variant = { name: string; create: (options: AwsClientsOptions) => S3Client };

const VARIANTS: Variant[] = [
  { name: 'shared client (SDK defaults)', create: (options) => createS3Client(options) },
  { name: 'cacheMiddleware', create: (options) => createS3Client(options, { cacheMiddleware: true }) },
  { name: 'cacheMiddleware, reuseSigner', create: (options) => createS3Client(options, FILE_STORAGE_S3_TUNING) },
  { name: "FileStorage's (the above, fast properties)", create: createFileStorageS3Client },
];

async function main(): Promise<void> {
  Object.assign(process.env, { AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey });
  const { values } = parseArgs({
    options: { objects: { type: 'string', default: '4000' }, concurrency: { type: 'string', default: '16' }, rounds: { type: 'string', default: '3' }, only: { type: 'string' } },
  });
  const objects = Number(values.objects);
  const concurrency = Number(values.concurrency);
  const s3rver = await S3ServerProcess.start([BUCKET], baseEnvironment(), join(mkdtempSync(join(tmpdir(), 's3-client-cost-')), 's3.log'));
  const options: AwsClientsOptions = { region: 'us-east-1', endpoints: { s3: s3rver.endpoint } };
  const results = new Map<string, number[]>();
  try {
    const clients = VARIANTS.filter((variant) => values.only === undefined || variant.name === values.only).map((variant) => ({ ...variant, client: variant.create(options) }));
    for (const { client } of clients) await putMany(client, 200, concurrency);
    for (let round = 0; round < Number(values.rounds); round += 1) {
      for (const { name, client } of clients) {
        const before = process.cpuUsage();
        const started = performance.now();
        await putMany(client, objects, concurrency);
        const used = process.cpuUsage(before);
        const micros = (used.user + used.system) / objects;
        results.set(name, [...(results.get(name) ?? []), micros]);
        console.log(`${name}: ${micros.toFixed(0)} µs CPU per PutObject, ${(objects / ((performance.now() - started) / 1000)).toFixed(0)}/s`);
      }
    }
    for (const [name, runs] of results) {
      console.log(`${name}: min ${Math.min(...runs).toFixed(0)}, median ${[...runs].sort((a, b) => a - b)[Math.floor(runs.length / 2)]!.toFixed(0)} µs (${runs.map((r) => r.toFixed(0)).join(', ')})`);
    }
    for (const { client } of clients) client.destroy();
  } finally {
    await s3rver.stop();
  }
}

const BODY = randomBytes(1024);

async function putMany(s3: S3Client, count: number, concurrency: number): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < count) {
      next += 1;
      const id = randomUUID();
      await s3.send(
        new PutObjectCommand({
          Bucket: BUCKET,
          Key: `uploads/${id}.bin`,
          Body: BODY,
          ContentLength: BODY.length,
          ContentType: 'application/octet-stream',
          Metadata: { 'owner-sub': 'bench-sub', 'owner-username': 'demo@example.com', sha256: '0'.repeat(64), 'upload-id': id, 'original-name': 'bench.bin' },
        }),
      );
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exitCode = 1;
});
