import { encodePacket, type DeadLetter, type KinesisPacket } from '@lib/kinesis';
import type { UploadRecord } from '@lib/upload-status';
import { skipDeletedUploads } from './deleted-uploads.redrive-policy';

describe('skipDeletedUploads (npm run redrive)', () => {
  const packet = (pattern: string, data: unknown): KinesisPacket => ({ pattern, id: 'event-1', occurred_at: '2026-11-27T10:00:00Z', headers: {}, data });
  const letter = (bytes: Buffer | KinesisPacket, withPacket = true): DeadLetter => {
    const data = Buffer.isBuffer(bytes) ? bytes : Buffer.from(encodePacket(bytes));
    return {
      stream: 'file-events',
      shard_id: 'shardId-000000000000',
      sequence_number: '1',
      partition_key: 'k',
      arrival_time: '2026-11-27T10:00:00Z',
      attempts: 5,
      reason: 'handler-failed',
      last_error: 'Error: S3 was down',
      data_base64: data.toString('base64'),
      ...(withPacket && !Buffer.isBuffer(bytes) && { packet: bytes }),
      dead_lettered_at: '2026-11-27T10:01:00Z',
    };
  };
  const statuses = (records: Record<string, Partial<UploadRecord>>) => {
    const find = jest.fn(async (id: string) => records[id] as UploadRecord | undefined);
    return { find };
  };

  it('discards a file.uploaded letter whose upload is deleted, saying when', async () => {
    const repo = statuses({ u1: { status: 'deleted', updated_at: '2026-11-27T11:00:00Z' } });
    await expect(skipDeletedUploads(repo)(letter(packet('file.uploaded', { id: 'u1' })))).resolves.toEqual({
      action: 'discard',
      why: 'upload u1 was deleted at 2026-11-27T11:00:00Z',
    });
    expect(repo.find).toHaveBeenCalledWith('u1');
  });

  it('reads the upload id from the bytes when the letter has no decoded packet', async () => {
    const repo = statuses({ u1: { status: 'deleted', updated_at: 't' } });
    await expect(skipDeletedUploads(repo)(letter(packet('file.uploaded', { id: 'u1' }), false))).resolves.toMatchObject({ action: 'discard' });
  });

  it.each([
    ['stored', { status: 'stored' }],
    ['pending', { status: 'pending' }],
    ['failed', { status: 'failed' }],
    ['unknown to the table', undefined],
  ])('redrives an upload that is %s', async (_name, record) => {
    const repo = statuses(record ? { u1: record as Partial<UploadRecord> } : {});
    await expect(skipDeletedUploads(repo)(letter(packet('file.uploaded', { id: 'u1' })))).resolves.toEqual({ action: 'redrive' });
  });

  it('redrives other events and unreadable bytes without asking the table', async () => {
    const repo = statuses({});
    const policy = skipDeletedUploads(repo);
    await expect(policy(letter(packet('file.deletion-requested', { id: 'u1' })))).resolves.toEqual({ action: 'redrive' });
    await expect(policy(letter(Buffer.from('not a packet')))).resolves.toEqual({ action: 'redrive' });
    await expect(policy(letter(packet('file.uploaded', { size: 3 })))).resolves.toEqual({ action: 'redrive' });
    expect(repo.find).not.toHaveBeenCalled();
  });
});
