import { GetObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { FileUploadedV1 } from '@lib/contracts';

/** What is wrong with one upload's object in the bucket. */
export interface ObjectProblem {
  id: string;
  problem: string;
}

/**
 * Checks every upload's object: it exists, has the event's size and carries the event's
 * sha256 in its metadata (HeadObject, `concurrency` at a time: s3rver is one core, and a
 * listing of over 1,000 keys needs the legacy OpenSSL provider there). For `sampleEvery`-th
 * upload the bytes themselves are read back and compared.
 */
export async function checkStoredObjects(
  s3: S3Client,
  bucket: string,
  events: FileUploadedV1[],
  { concurrency = 16, sampleEvery = 100 }: { concurrency?: number; sampleEvery?: number } = {},
): Promise<{ checked: number; bytesCompared: number; problems: ObjectProblem[] }> {
  const problems: ObjectProblem[] = [];
  let next = 0;
  let bytesCompared = 0;
  const checkOne = async (event: FileUploadedV1, index: number): Promise<void> => {
    try {
      const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: event.file_key }));
      if (head.ContentLength !== event.size) problems.push({ id: event.id, problem: `size ${head.ContentLength}, expected ${event.size}` });
      if (head.Metadata?.sha256 !== event.sha256) problems.push({ id: event.id, problem: `sha256 metadata ${head.Metadata?.sha256}` });
      if (index % sampleEvery === 0 && event.body.kind === 'inline') {
        const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: event.file_key }));
        const bytes = Buffer.from(await object.Body!.transformToByteArray());
        if (!bytes.equals(Buffer.from(event.body.data_base64, 'base64'))) problems.push({ id: event.id, problem: 'bytes differ' });
        bytesCompared += 1;
      }
    } catch (error) {
      problems.push({ id: event.id, problem: `${(error as Error).name}: ${(error as Error).message}` });
    }
  };
  const lane = async (): Promise<void> => {
    while (next < events.length) {
      const index = next++;
      await checkOne(events[index], index);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  return { checked: events.length, bytesCompared, problems };
}
