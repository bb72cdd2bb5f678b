import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { FileUploadedV1 } from '@lib/contracts';
import { FILE_STORAGE_S3 } from './file-storage.s3-client';

/** Token of the bucket files are stored in (`S3_BUCKET`). */
export const FILE_BUCKET = Symbol('FILE_BUCKET');

/** Printable ASCII: what an HTTP header (and so S3 user metadata) carries unmangled. */
const HEADER_SAFE = /^[\x20-\x7e]*$/;

/**
 * Writes uploaded files to their final key. Idempotent: the same event always produces the
 * same key, bytes, content type and metadata, so a redelivered record rewrites an identical
 * object.
 */
@Injectable()
export class FileStorage implements OnApplicationShutdown {
  constructor(
    /** Its own client (file-storage.s3-client.ts), closed with the app. */
    @Inject(FILE_STORAGE_S3) private readonly s3: S3Client,
    @Inject(FILE_BUCKET) private readonly bucket: string,
  ) {}

  async put(event: FileUploadedV1, bytes: Uint8Array): Promise<void> {
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: event.file_key,
        Body: bytes,
        ContentLength: bytes.length,
        ContentType: event.content_type,
        Metadata: FileStorage.metadataOf(event),
      }),
    );
  }

  /** The transport has stopped and finished its records by now: no put is under way. */
  onApplicationShutdown(): void {
    this.s3.destroy();
  }

  /**
   * User metadata travels as HTTP headers. The original name is client-chosen text, so it is
   * always URI-encoded; a username is kept as it is unless it holds characters a header
   * cannot carry, in which case it is URI-encoded too.
   */
  static metadataOf(event: FileUploadedV1): Record<string, string> {
    const username = event.owner.username;
    return {
      'owner-sub': event.owner.sub,
      'owner-username': HEADER_SAFE.test(username) ? username : encodeURIComponent(username),
      sha256: event.sha256,
      'upload-id': event.id,
      ...(event.original_name !== undefined ? { 'original-name': encodeURIComponent(event.original_name) } : {}),
    };
  }
}
