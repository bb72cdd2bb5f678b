import { GetObjectCommand, ListObjectsCommand, type S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import type { PreloadedFile } from './file-events';

/** What S3 holds after a drain, checked independently of the consumer's own account. */
export interface BucketCheck {
  /** Objects listed under uploads/ in the variant's bucket. */
  objects: number;
  /** Pre-loaded files whose key is not among them. */
  missing: number;
  /** Randomly chosen objects read back and hashed. */
  sampled: number;
  /** Sampled objects whose bytes do not hash to the event's sha256. */
  sampleMismatches: number;
}

const SAMPLE = 100;

export async function checkBucket(s3: S3Client, bucket: string, files: readonly PreloadedFile[]): Promise<BucketCheck> {
  const keys = new Set<string>();
  // ListObjects (v1) with a marker: s3rver answers ListObjectsV2 with an InternalError as soon
  // as a bucket holds more than one page (1,000 keys).
  let marker: string | undefined;
  do {
    const page = await s3.send(new ListObjectsCommand({ Bucket: bucket, Prefix: 'uploads/', Marker: marker }));
    const contents = page.Contents ?? [];
    for (const object of contents) keys.add(object.Key!);
    marker = page.IsTruncated && contents.length > 0 ? contents[contents.length - 1].Key : undefined;
  } while (marker);
  const missing = files.filter((file) => !keys.has(file.key)).length;
  let sampleMismatches = 0;
  const sample = Array.from({ length: Math.min(SAMPLE, files.length) }, () => files[Math.floor(Math.random() * files.length)]);
  for (const file of sample) {
    try {
      const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: file.key }));
      const bytes = await object.Body!.transformToByteArray();
      if (createHash('sha256').update(bytes).digest('hex') !== file.sha256) sampleMismatches += 1;
    } catch {
      sampleMismatches += 1;
    }
  }
  return { objects: keys.size, missing, sampled: sample.length, sampleMismatches };
}
