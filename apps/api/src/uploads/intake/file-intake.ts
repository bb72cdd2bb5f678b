import { createHash, type Hash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { apiConfig, type ApiConfig } from '../../config';
import { IncomingObjectsStore } from '../staging/incoming-objects.store';
import { StagingSlots } from '../staging/staging-slots';
import type { ReceivedFile } from './received-file';
import { UnreadableUploadError } from './unreadable-upload.error';
import type { UploadAllowance, UploadSource } from './upload-source';
import { UploadTooLargeError } from './upload-too-large.error';

/** Counts and hashes the bytes of one upload as they pass, and stops it at the size limit. */
class UploadMeter {
  private readonly hash: Hash = createHash('sha256');
  size = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly allowance: UploadAllowance | undefined,
  ) {}

  /**
   * @throws UploadTooLargeError once the bytes seen pass the limit
   * @throws whatever the allowance throws (OverCapacityError)
   */
  add(chunk: Buffer): void {
    this.size += chunk.length;
    if (this.size > this.maxBytes) throw new UploadTooLargeError(this.maxBytes);
    this.allowance?.bodyProgress(this.size);
    this.hash.update(chunk);
  }

  sha256(): string {
    return this.hash.digest('hex');
  }
}

/**
 * Reads an upload's bytes once, as they arrive, hashing and counting them. A file up to
 * `UPLOAD_INLINE_MAX_BYTES` is kept in memory (it travels inside the event); past that, what
 * was read so far and the rest of the stream go on to `incoming/<id>` in the bucket, so at
 * most the threshold, or one 5 MiB part buffer, is held per upload, whatever the file's size.
 */
@Injectable()
export class FileIntake {
  constructor(
    private readonly incoming: IncomingObjectsStore,
    // Staged uploads under way: each holds one part buffer, so their number bounds memory.
    private readonly stagingSlots: StagingSlots,
    @Inject(apiConfig.KEY) private readonly config: ApiConfig,
  ) {}

  /**
   * @throws UploadTooLargeError past `UPLOAD_MAX_BYTES` (reading stops; a staged upload is aborted)
   * @throws UnreadableUploadError when the body breaks off
   * @throws StagingUnavailableError when S3 does not take a staged upload
   * @throws StagingBusyError when the owner holds their share of the staging slots, or all are taken
   */
  async receive(uploadId: string, ownerSub: string, source: UploadSource): Promise<ReceivedFile> {
    const meter = new UploadMeter(this.config.uploadMaxBytes, source.allowance);
    // Not destroying the source when the intake stops early: for a raw body the source is
    // the request, and destroying it would close the socket before the 413 goes out.
    const chunks = source.stream.iterator({ destroyOnReturn: false });
    const head: Buffer[] = [];
    for (;;) {
      const chunk = await nextChunk(chunks);
      if (chunk === undefined) {
        return { size: meter.size, sha256: meter.sha256(), body: { kind: 'inline', bytes: Buffer.concat(head) } };
      }
      meter.add(chunk);
      head.push(chunk);
      if (meter.size > this.config.uploadInlineMaxBytes) break;
    }
    // A slot taken at admission is given back when the response ends.
    const releaseSlot = source.allowance?.stagingSlotReserved ? () => undefined : this.stagingSlots.take(ownerSub);
    let etag: string | undefined;
    try {
      ({ etag } = await this.incoming.stream({ uploadId, ownerSub }, remainingBytes(head, chunks, meter), source.contentType));
    } finally {
      releaseSlot();
    }
    const key = IncomingObjectsStore.keyOf(uploadId);
    return { size: meter.size, sha256: meter.sha256(), body: { kind: 'staged', key, ...(etag === undefined ? {} : { etag }) } };
  }
}

/** The bytes already read, then the rest of the stream, metered: the body of a staged upload. */
async function* remainingBytes(head: Buffer[], chunks: AsyncIterator<unknown>, meter: UploadMeter): AsyncGenerator<Buffer> {
  yield* head.splice(0);
  for (;;) {
    const chunk = await nextChunk(chunks);
    if (chunk === undefined) return;
    meter.add(chunk);
    yield chunk;
  }
}

/** The next chunk as a Buffer, `undefined` at the end; a stream error means the body broke off. */
async function nextChunk(chunks: AsyncIterator<unknown>): Promise<Buffer | undefined> {
  let next: IteratorResult<unknown>;
  try {
    next = await chunks.next();
  } catch (error) {
    if (error instanceof UnreadableUploadError) throw error;
    throw new UnreadableUploadError(`The upload broke off: ${(error as Error).message}`);
  }
  if (next.done) return undefined;
  return Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value as Uint8Array);
}
