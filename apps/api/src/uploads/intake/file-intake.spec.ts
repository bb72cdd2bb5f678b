import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { ApiConfig } from '../../config';
import type { IncomingObjectsStore, StagedObjectOwner } from '../staging/incoming-objects.store';
import { StagingSlots } from '../staging/staging-slots';
import { FileIntake } from './file-intake';
import { StagingBusyError } from './staging-busy.error';
import { UnreadableUploadError } from './unreadable-upload.error';
import { UploadTooLargeError } from './upload-too-large.error';

const ID = '7f3c1e9a-0000-4000-8000-0000000000b1';
const INLINE_MAX = 1000;
const MAX = 5000;

/** Stands in for S3: takes the staged body, reading it to its end (or its error). */
class FakeIncomingObjects {
  staged: Array<{ owner: StagedObjectOwner; bytes: Buffer; contentType: string }> = [];

  async stream(owner: StagedObjectOwner, body: AsyncIterable<Buffer>, contentType: string): Promise<{ etag?: string }> {
    const chunks: Buffer[] = [];
    for await (const chunk of body) chunks.push(chunk);
    this.staged.push({ owner, bytes: Buffer.concat(chunks), contentType });
    return { etag: '"etag-1"' };
  }
}

/** A body arriving in chunks of 100 bytes, counting how many chunks were pulled. */
function chunkedBody(bytes: Buffer, chunkSize = 100): { stream: Readable; pulled: () => number } {
  let pulled = 0;
  const stream = Readable.from(
    (function* () {
      for (let offset = 0; offset < bytes.length; offset += chunkSize) {
        pulled += 1;
        yield bytes.subarray(offset, offset + chunkSize);
      }
    })(),
    { objectMode: false },
  );
  return { stream, pulled: () => pulled };
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const bytesOf = (length: number) => Buffer.from(Array.from({ length }, (_, i) => (i * 7) % 251));

describe('FileIntake', () => {
  let incoming: FakeIncomingObjects;
  let intake: FileIntake;

  beforeEach(() => {
    incoming = new FakeIncomingObjects();
    const config = { uploadMaxBytes: MAX, uploadInlineMaxBytes: INLINE_MAX } as ApiConfig;
    intake = new FileIntake(incoming as unknown as IncomingObjectsStore, new StagingSlots(1), config);
  });

  const receive = (stream: Readable) => intake.receive(ID, 'sub-1', { stream, contentType: 'application/octet-stream' });

  it('keeps a body of exactly the inline threshold in memory, with its size and sha256', async () => {
    const bytes = bytesOf(INLINE_MAX);
    const file = await receive(chunkedBody(bytes).stream);
    expect(file).toEqual({ size: INLINE_MAX, sha256: sha256(bytes), body: { kind: 'inline', bytes } });
    expect(incoming.staged).toHaveLength(0);
  });

  it('stages a body one byte over the threshold: every byte, in order, under incoming/<id>', async () => {
    const bytes = bytesOf(INLINE_MAX + 1);
    const file = await receive(chunkedBody(bytes, 64).stream);
    expect(file).toEqual({ size: INLINE_MAX + 1, sha256: sha256(bytes), body: { kind: 'staged', key: `incoming/${ID}`, etag: '"etag-1"' } });
    expect(incoming.staged).toHaveLength(1);
    expect(incoming.staged[0].bytes.equals(bytes)).toBe(true);
    expect(incoming.staged[0].owner).toEqual({ uploadId: ID, ownerSub: 'sub-1' });
  });

  it('stages a body of exactly the size limit', async () => {
    const bytes = bytesOf(MAX);
    const file = await receive(chunkedBody(bytes).stream);
    expect(file.size).toBe(MAX);
    expect(incoming.staged[0].bytes.equals(bytes)).toBe(true);
  });

  it('stops reading a staged body at the limit and fails it as too large', async () => {
    const body = chunkedBody(bytesOf(MAX * 4));
    await expect(receive(body.stream)).rejects.toThrow(UploadTooLargeError);
    expect(incoming.staged).toHaveLength(0);
    // Reading stopped right after the chunk that crossed the limit (plus the stream's read-ahead).
    expect(body.pulled()).toBeLessThan(MAX / 100 + 5);
  });

  it('stops reading at the limit while still below the inline threshold', async () => {
    const config = { uploadMaxBytes: 300, uploadInlineMaxBytes: INLINE_MAX } as ApiConfig;
    const small = new FileIntake(incoming as unknown as IncomingObjectsStore, new StagingSlots(1), config);
    const body = chunkedBody(bytesOf(10_000));
    await expect(small.receive(ID, 'sub-1', { stream: body.stream, contentType: 'text/plain' })).rejects.toMatchObject({
      name: 'UploadTooLargeError',
      limit: 300,
    });
    expect(body.pulled()).toBeLessThan(10);
    expect(incoming.staged).toHaveLength(0);
  });

  it('fails a body that breaks off as unreadable', async () => {
    const stream = new Readable({ read() {} });
    stream.push(bytesOf(INLINE_MAX + 10));
    setImmediate(() => stream.destroy(new Error('aborted')));
    await expect(receive(stream)).rejects.toThrow(UnreadableUploadError);
  });

  it('reads an empty body as an empty inline file', async () => {
    await expect(receive(Readable.from([]))).resolves.toMatchObject({ size: 0, body: { kind: 'inline', bytes: Buffer.alloc(0) } });
  });

  it('refuses a large upload at once while the owner holds its staging slots, and takes it again after', async () => {
    const slow = new Readable({ read() {} });
    slow.push(bytesOf(INLINE_MAX + 1));
    const first = receive(slow);
    await new Promise((r) => setImmediate(r)); // the first is staging now, waiting for more bytes
    await expect(receive(chunkedBody(bytesOf(INLINE_MAX + 1)).stream)).rejects.toBeInstanceOf(StagingBusyError);
    // An inline upload needs no slot.
    await expect(receive(chunkedBody(bytesOf(10)).stream)).resolves.toMatchObject({ body: { kind: 'inline' } });
    slow.push(null);
    await expect(first).resolves.toMatchObject({ body: { kind: 'staged' } });
    await expect(receive(chunkedBody(bytesOf(INLINE_MAX + 1)).stream)).resolves.toMatchObject({ body: { kind: 'staged' } });
  });

  it('charges the bytes to the upload’s allowance as they are read, and stops the read when it refuses', async () => {
    const seen: number[] = [];
    const allowance = {
      stagingSlotReserved: false,
      bodyProgress: (bytes: number) => {
        seen.push(bytes);
        if (bytes > 300) throw new Error('budget spent');
      },
    };
    const body = chunkedBody(bytesOf(INLINE_MAX * 3));
    await expect(intake.receive(ID, 'sub-1', { stream: body.stream, contentType: 'text/plain', allowance })).rejects.toThrow('budget spent');
    expect(seen).toEqual([100, 200, 300, 400]);
  });

  it('stages with the slot admission reserved, taking none of its own', async () => {
    const slow = new Readable({ read() {} });
    slow.push(bytesOf(INLINE_MAX + 1));
    const reserved = { stagingSlotReserved: true, bodyProgress: () => undefined };
    const first = intake.receive(ID, 'sub-1', { stream: slow, contentType: 'application/octet-stream', allowance: reserved });
    await new Promise((r) => setImmediate(r));
    // The one slot is still free for an upload that did not reserve one.
    await expect(receive(chunkedBody(bytesOf(INLINE_MAX + 1)).stream)).resolves.toMatchObject({ body: { kind: 'staged' } });
    slow.push(null);
    await expect(first).resolves.toMatchObject({ body: { kind: 'staged' } });
  });
});
