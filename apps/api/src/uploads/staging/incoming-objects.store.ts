import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { apiConfig, type ApiConfig } from '../../config';
import { StagingUnavailableError } from '../intake/staging-unavailable.error';
import { uploadInParts } from './part-buffered.upload';

/** Where the bytes of large uploads wait for the worker (claim check). */
export const INCOMING_PREFIX = 'incoming/';

/**
 * The checksum headers the SDK adds to PutObject by default. In a presigned URL they would
 * fix the checksum of an empty body, so real S3 would refuse every client's PUT: they are
 * left out of the signature and of the URL.
 */
const CHECKSUM_HEADERS = [
  'x-amz-sdk-checksum-algorithm',
  'x-amz-checksum-crc32',
  'x-amz-checksum-crc32c',
  'x-amz-checksum-crc64nvme',
  'x-amz-checksum-sha1',
  'x-amz-checksum-sha256',
];

/** What the api writes on every staged object, so an operator can tell whose bytes wait there. */
export interface StagedObjectOwner {
  uploadId: string;
  ownerSub: string;
}

/** A staged object as HeadObject sees it. */
export interface StagedObjectHead {
  size: number;
  ownerSub?: string;
}

/** A presigned PUT to `incoming/<id>`: the URL and the headers the client must send with it. */
export interface PresignedPut {
  url: string;
  headers: Record<string, string>;
  expiresAt: Date;
}

function isNotFound(error: unknown): boolean {
  const { name, $metadata } = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return name === 'NotFound' || name === 'NoSuchKey' || $metadata?.httpStatusCode === 404;
}

/**
 * The api's side of `incoming/`: streams large uploads there, presigns client PUTs there, and
 * reads staged objects back. Failures of S3 itself surface as {@link StagingUnavailableError}.
 * Objects here are removed by the worker once moved; what an unpublished upload leaves behind
 * is removed by the bucket's lifecycle rule on `incoming/`.
 */
@Injectable()
export class IncomingObjectsStore {
  constructor(
    private readonly s3: S3Client,
    @Inject(apiConfig.KEY) private readonly config: ApiConfig,
  ) {}

  static keyOf(uploadId: string): string {
    return `${INCOMING_PREFIX}${uploadId}`;
  }

  /**
   * Streams `body` to `incoming/<id>` (multipart once it passes one 5 MiB part, see
   * {@link uploadInParts}). If `body` fails, the multipart upload is aborted and the body's
   * error is rethrown, so the caller sees why it stopped.
   * @returns the staged object's ETag, when S3 gave one
   * @throws StagingUnavailableError when S3 fails
   */
  async stream(owner: StagedObjectOwner, body: AsyncIterable<Buffer>, contentType: string): Promise<{ etag?: string }> {
    return uploadInParts(
      this.s3,
      {
        bucket: this.config.bucket,
        key: IncomingObjectsStore.keyOf(owner.uploadId),
        contentType,
        metadata: IncomingObjectsStore.metadataOf(owner),
      },
      body,
    );
  }

  /** The staged object's size and owner, or `undefined` when nothing is there. */
  async head(uploadId: string): Promise<StagedObjectHead | undefined> {
    try {
      const head = await this.s3.send(new HeadObjectCommand({ Bucket: this.config.bucket, Key: IncomingObjectsStore.keyOf(uploadId) }));
      return { size: head.ContentLength ?? 0, ownerSub: head.Metadata?.['owner-sub'] };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw new StagingUnavailableError(`S3 HeadObject failed: ${(error as Error).message}`, { cause: error });
    }
  }

  /** The sha256 and size of the staged bytes, read as a stream (never held whole), and the ETag of the version read. */
  async measure(uploadId: string): Promise<{ sha256: string; size: number; etag?: string }> {
    try {
      const object = await this.s3.send(new GetObjectCommand({ Bucket: this.config.bucket, Key: IncomingObjectsStore.keyOf(uploadId) }));
      const hash = createHash('sha256');
      let size = 0;
      for await (const chunk of object.Body as Readable) {
        hash.update(chunk as Buffer);
        size += (chunk as Buffer).length;
      }
      return { sha256: hash.digest('hex'), size, etag: object.ETag };
    } catch (error) {
      throw new StagingUnavailableError(`S3 GetObject failed: ${(error as Error).message}`, { cause: error });
    }
  }

  /** Writes a small JSON document under `incoming/` (the presigned flow's grants). */
  async putJson(key: string, document: unknown): Promise<void> {
    try {
      await this.s3.send(
        new PutObjectCommand({ Bucket: this.config.bucket, Key: key, Body: JSON.stringify(document), ContentType: 'application/json' }),
      );
    } catch (error) {
      throw new StagingUnavailableError(`S3 PutObject failed: ${(error as Error).message}`, { cause: error });
    }
  }

  /** A JSON document written by {@link putJson}, or `undefined` when there is none. */
  async getJson(key: string): Promise<unknown> {
    try {
      const object = await this.s3.send(new GetObjectCommand({ Bucket: this.config.bucket, Key: key }));
      return JSON.parse(await object.Body!.transformToString('utf8'));
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw new StagingUnavailableError(`S3 GetObject failed: ${(error as Error).message}`, { cause: error });
    }
  }

  /**
   * A URL for one PUT of exactly `size` bytes of `contentType` to `incoming/<id>`, with the
   * owner's metadata. Content-Type, Content-Length and the metadata headers are signed, so
   * S3 refuses a PUT with another size, type or owner.
   */
  async presignPut(owner: StagedObjectOwner, contentType: string, size: number): Promise<PresignedPut> {
    const metadata = IncomingObjectsStore.metadataOf(owner);
    const metadataHeaders = Object.fromEntries(Object.entries(metadata).map(([name, value]) => [`x-amz-meta-${name}`, value]));
    const expiresIn = this.config.presignedUrlTtlSeconds;
    const expiresAt = new Date(Date.now() + expiresIn * 1000);
    const command = new PutObjectCommand({
      Bucket: this.config.bucket,
      Key: IncomingObjectsStore.keyOf(owner.uploadId),
      ContentType: contentType,
      ContentLength: size,
      Metadata: metadata,
    });
    const url = await getSignedUrl(this.s3, command, {
      expiresIn,
      // The presigner leaves Content-Type unsigned by default; the contract needs it signed.
      signableHeaders: new Set(['content-type', 'content-length']),
      // Metadata stays in headers (signed) rather than the query string, where not every
      // S3-compatible server reads it; the checksum headers are dropped (see above).
      unhoistableHeaders: new Set([...Object.keys(metadataHeaders), ...CHECKSUM_HEADERS]),
      unsignableHeaders: new Set(CHECKSUM_HEADERS),
    });
    return {
      url,
      headers: { 'Content-Type': contentType, 'Content-Length': String(size), ...metadataHeaders },
      expiresAt,
    };
  }

  private static metadataOf(owner: StagedObjectOwner): Record<string, string> {
    return { 'owner-sub': owner.ownerSub, 'upload-id': owner.uploadId };
  }
}
