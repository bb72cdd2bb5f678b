import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  UploadPartCommand,
  type CompletedPart,
  type S3Client,
} from '@aws-sdk/client-s3';
import { StagingUnavailableError } from '../intake/staging-unavailable.error';

/** S3's smallest multipart part (except the last). */
export const PART_BYTES = 5 * 1024 * 1024;

/** Which object to write, and what it carries besides its bytes. */
export interface PartBufferedUploadTarget {
  bucket: string;
  key: string;
  contentType: string;
  metadata: Record<string, string>;
}

/**
 * Writes a stream of unknown length to S3 through ONE reusable 5 MiB part buffer: chunks are
 * copied into it, each full buffer goes out as an UploadPart, and the next part waits until
 * S3 took the previous one (reading the stream waits too, so the client is slowed down to
 * S3's pace). A body under one part becomes a single PutObject. Returns the object's ETag.
 *
 * Why not lib-storage's `Upload`: it concatenates every part into a fresh 5 MiB buffer (and
 * keeps the previous one alive through the remainder's view). On a 50 MiB upload through the
 * api (large-upload-memory.fault-spec.ts) it measured +31–47 MiB of RSS here, against
 * +14–22 MiB with this one reused buffer (both with `--max-semi-space-size=2`).
 *
 * When the body fails (too large, client gone) the multipart upload is aborted, so S3 drops
 * its parts, and the body's error is rethrown as it is; an S3 failure becomes
 * {@link StagingUnavailableError}.
 */
export async function uploadInParts(
  s3: S3Client,
  target: PartBufferedUploadTarget,
  body: AsyncIterable<Buffer>,
): Promise<{ etag?: string }> {
  const { bucket, key, contentType, metadata } = target;
  const part = Buffer.allocUnsafe(PART_BYTES);
  let filled = 0;
  let uploadId: string | undefined;
  const parts: CompletedPart[] = [];

  const sendPart = async (bytes: Buffer) => {
    uploadId ??= (
      await callS3('CreateMultipartUpload', () =>
        s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ContentType: contentType, Metadata: metadata })),
      )
    ).UploadId;
    const PartNumber = parts.length + 1;
    const { ETag } = await callS3('UploadPart', () =>
      s3.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: uploadId, PartNumber, Body: bytes, ContentLength: bytes.length })),
    );
    parts.push({ PartNumber, ETag });
  };

  try {
    for await (const chunk of body) {
      for (let offset = 0; offset < chunk.length; ) {
        const copied = chunk.copy(part, filled, offset);
        filled += copied;
        offset += copied;
        if (filled === PART_BYTES) {
          await sendPart(part);
          filled = 0;
        }
      }
    }
    if (uploadId === undefined) {
      const bytes = part.subarray(0, filled);
      const put = await callS3('PutObject', () =>
        s3.send(
          new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes, ContentLength: filled, ContentType: contentType, Metadata: metadata }),
        ),
      );
      return { etag: put.ETag };
    }
    if (filled > 0) await sendPart(part.subarray(0, filled));
    const completed = await callS3('CompleteMultipartUpload', () =>
      s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId, MultipartUpload: { Parts: parts } })),
    );
    return { etag: completed.ETag };
  } catch (error) {
    if (uploadId !== undefined) {
      // Best effort: a server without AbortMultipartUpload (s3rver) keeps the parts, which are
      // no object and are listed nowhere; on AWS the bucket's AbortIncompleteMultipartUpload
      // lifecycle rule is the backstop.
      await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId })).catch(() => undefined);
    }
    throw error;
  }
}

async function callS3<T>(operation: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw new StagingUnavailableError(`S3 ${operation} failed: ${(error as Error).message}`, { cause: error });
  }
}
