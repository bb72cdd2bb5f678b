import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { S3Client } from '@aws-sdk/client-s3';
import { createKinesisClient, createS3Client } from '@lib/aws';
import { startLocalCloud, type LocalCloud } from './local-cloud';
import { FREE_PORTS } from './local-cloud.options';
import { ensureStream } from './local-cloud.seeder';

/** A throw-away local cloud, with this process's clients and the demo user signed in. */
export interface ScratchCloud {
  cloud: LocalCloud;
  outputs: LocalCloud['outputs'];
  kinesis: KinesisClient;
  s3: S3Client;
  /** The demo user's access token. */
  accessToken: string;
}

/**
 * Runs `use` against a local cloud on free ports in a temporary folder, with one-shard streams
 * of the given names, then stops it and removes the folder, whatever `use` did. For tools that
 * need a cloud of their own for a while (benchmarks, recording runs), not the user's.
 */
export async function withScratchCloud<T>(folderPrefix: string, streams: readonly string[], use: (scratch: ScratchCloud) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), folderPrefix));
  const cloud = await startLocalCloud({ dir, ports: FREE_PORTS });
  const { outputs } = cloud;
  // This process's own clients (putting records, checking results) take the local credentials
  // from the environment, as the SDK's default chain reads them.
  process.env.AWS_ACCESS_KEY_ID = outputs.credentials.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = outputs.credentials.secretAccessKey;
  const aws = { region: outputs.region, endpoints: outputs.endpoints };
  const kinesis = createKinesisClient(aws);
  const s3 = createS3Client(aws);
  try {
    for (const stream of streams) await ensureStream(kinesis, stream, 1);
    const { accessToken } = await cloud.login(outputs.demoUser.username, outputs.demoUser.password);
    return await use({ cloud, outputs, kinesis, s3, accessToken });
  } finally {
    kinesis.destroy();
    s3.destroy();
    await cloud.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
