import { randomUUID } from 'node:crypto';
import { of, throwError, type Observable } from 'rxjs';
import type { FileUploadedV1 } from '@lib/contracts';
import { KinesisPublishError, type ClientKinesis, type KinesisRecord } from '@lib/kinesis';
import type { UploadStatusBatcher, UploadStatusRepository } from '@lib/upload-status';
import type { ApiConfig } from '../config';
import { UploadEventPublisher } from './upload-event.publisher';

function eventOf(): FileUploadedV1 {
  const id = randomUUID();
  return {
    id,
    file_key: `uploads/${id}.txt`,
    owner: { sub: 'user-sub-1', username: 'demo@example.com' },
    content_type: 'text/plain',
    size: 1,
    sha256: 'a'.repeat(64),
    body: { kind: 'inline', data_base64: 'eA==' },
  };
}

function publisherWith(partitionKey: 'upload-id' | 'owner', emit: (pattern: string, record: unknown) => Observable<unknown>) {
  const steps: string[] = [];
  const events = { emit: jest.fn((pattern, record) => (steps.push('emit'), emit(pattern, record))) } as unknown as ClientKinesis;
  const pendingWrites = { write: jest.fn(async () => void steps.push('batched pending')) } as unknown as UploadStatusBatcher;
  const statuses = {
    recordPending: jest.fn(async () => (steps.push('conditional pending'), true)),
    withdrawPending: jest.fn(async () => (steps.push('withdraw'), true)),
  } as unknown as UploadStatusRepository;
  const config = { publisher: { partitionKey } } as ApiConfig;
  return { publisher: new UploadEventPublisher(events, pendingWrites, statuses, config), events, steps };
}

const accepted = () => of({ id: 'e', shardId: 's', sequenceNumber: '1' });
const keyOf = (events: ClientKinesis) => ((events.emit as jest.Mock).mock.calls[0][1] as KinesisRecord).partitionKey;

describe('UploadEventPublisher', () => {
  it('writes a new upload\'s pending status (batched) before its event, keyed by the upload id', async () => {
    const { publisher, events, steps } = publisherWith('upload-id', accepted);
    const event = eventOf();
    await expect(publisher.publish(event, 'corr-1', true)).resolves.toEqual({ id: event.id, file_key: event.file_key });
    expect(steps).toEqual(['batched pending', 'emit']);
    expect(keyOf(events)).toBe(event.id);
  });

  it('uses the conditional put for an id that may have been published before, and keys by owner when asked', async () => {
    const { publisher, events, steps } = publisherWith('owner', accepted);
    await publisher.publish(eventOf(), 'corr-1', false);
    expect(steps).toEqual(['conditional pending', 'emit']);
    expect(keyOf(events)).toBe('user-sub-1');
  });

  it('withdraws the pending status when the stream refused the event, and rethrows', async () => {
    const refused = new KinesisPublishError('file.uploaded', 'file-events', { cause: new Error('down') });
    const { publisher, steps } = publisherWith('upload-id', () => throwError(() => refused));
    await expect(publisher.publish(eventOf(), 'corr-1', true)).rejects.toBe(refused);
    expect(steps).toEqual(['batched pending', 'emit', 'withdraw']);
  });
});
