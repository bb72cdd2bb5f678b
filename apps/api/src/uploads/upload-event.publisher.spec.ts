import { randomUUID } from 'node:crypto';
import { Subject } from 'rxjs';
import type { FileUploadedV1 } from '@lib/contracts';
import { DeadlineExceededError, KinesisPublishError, OutcomeUnknownError, SaturatedError, type ClientKinesis, type KinesisRecord } from '@lib/kinesis';
import type { UploadStatusBatcher, UploadStatusRepository } from '@lib/upload-status';
import type { ApiConfig } from '../config';
import { UploadEventPublisher } from './upload-event.publisher';
import { UploadOutcomeUnknownError } from './upload-outcome-unknown.error';

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

/** A publisher whose stream and table answer when the test says so. */
function publisherWith(partitionKey: 'upload-id' | 'owner', { saturated = false } = {}) {
  const steps: string[] = [];
  const stream = new Subject<unknown>();
  let landPending!: () => void;
  const events = {
    saturated,
    emit: jest.fn(() => (steps.push('emit'), stream)),
  } as unknown as ClientKinesis;
  const pendingWrites = {
    writePending: jest.fn((_facts, writer: string) => {
      steps.push(`pending by ${writer}`);
      return new Promise<void>((resolve) => (landPending = () => (steps.push('pending landed'), resolve())));
    }),
  } as unknown as UploadStatusBatcher;
  const statuses = {
    withdrawPending: jest.fn(async (_id, writer: string) => (steps.push(`withdraw by ${writer}`), true)),
    recordUnconfirmed: jest.fn(async (facts: { id: string }, writer: string) => (steps.push(`unconfirmed ${facts.id} by ${writer}`), true)),
  } as unknown as UploadStatusRepository;
  const config = { publisher: { partitionKey } } as ApiConfig;
  return {
    publisher: new UploadEventPublisher(events, pendingWrites, statuses, config),
    events,
    steps,
    accept: () => (steps.push('in the stream'), stream.next({ id: 'e', shardId: 's', sequenceNumber: '1' }), stream.complete()),
    refuse: (error: unknown) => (steps.push('refused'), stream.error(error)),
    landPending: () => landPending(),
  };
}

const keyOf = (events: ClientKinesis) => ((events.emit as jest.Mock).mock.calls[0][1] as KinesisRecord).partitionKey;
const settled = async (promise: Promise<unknown>) => {
  let done = false;
  void promise.then(() => (done = true), () => (done = true));
  await new Promise((resolve) => setImmediate(resolve));
  return done;
};

describe('UploadEventPublisher', () => {
  it('publishes the event and writes the pending item at once, keyed by the upload id, and answers once both are done', async () => {
    const { publisher, events, steps, accept, landPending } = publisherWith('upload-id');
    const event = eventOf();
    const publishing = publisher.publish(event, 'corr-1');
    await new Promise((resolve) => setImmediate(resolve));
    expect(steps).toEqual(['emit', 'pending by corr-1']);
    accept();
    expect(await settled(publishing)).toBe(false);
    landPending();
    await expect(publishing).resolves.toEqual({ id: event.id, file_key: event.file_key });
    expect(keyOf(events)).toBe(event.id);
  });

  it('keys by owner when asked', async () => {
    const { publisher, events, accept, landPending } = publisherWith('owner');
    const publishing = publisher.publish(eventOf(), 'corr-1');
    accept();
    landPending();
    await publishing;
    expect(keyOf(events)).toBe('user-sub-1');
  });

  it('withdraws its own pending item once its write has landed when the stream refused the event, and rethrows', async () => {
    const refused = new KinesisPublishError('file.uploaded', 'file-events', { cause: new Error('down') });
    const { publisher, steps, refuse, landPending } = publisherWith('upload-id');
    const publishing = publisher.publish(eventOf(), 'corr-1');
    refuse(refused);
    expect(await settled(publishing)).toBe(false);
    landPending();
    await expect(publishing).rejects.toBe(refused);
    expect(steps).toEqual(['emit', 'pending by corr-1', 'refused', 'pending landed', 'withdraw by corr-1']);
  });

  it('keeps the pending item, marked unconfirmed, and names the upload when the stream may have taken the event', async () => {
    const unanswered = new KinesisPublishError('file.uploaded', 'file-events', { cause: new OutcomeUnknownError({ cause: new DeadlineExceededError(1_000, 2) }) });
    const { publisher, steps, refuse, landPending } = publisherWith('upload-id');
    const event = eventOf();
    const publishing = publisher.publish(event, 'corr-1');
    refuse(unanswered);
    landPending();
    const error = await publishing.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UploadOutcomeUnknownError);
    expect((error as UploadOutcomeUnknownError).upload).toEqual({ id: event.id, file_key: event.file_key });
    expect((error as UploadOutcomeUnknownError).cause).toBe(unanswered);
    expect(steps).toEqual(['emit', 'pending by corr-1', 'refused', 'pending landed', `unconfirmed ${event.id} by corr-1`]);
  });

  it('writes nothing for an upload a saturated stream refuses', async () => {
    const refused = new KinesisPublishError('file.uploaded', 'file-events', { cause: new SaturatedError(40) });
    const { publisher, steps, refuse } = publisherWith('upload-id', { saturated: true });
    const publishing = publisher.publish(eventOf(), 'corr-1');
    refuse(refused);
    await expect(publishing).rejects.toBe(refused);
    expect(steps).toEqual(['emit', 'refused']);
  });

  it('still writes the pending item when a saturated stream takes the event after all', async () => {
    const { publisher, steps, accept, landPending } = publisherWith('upload-id', { saturated: true });
    const publishing = publisher.publish(eventOf(), 'corr-1');
    accept();
    await new Promise((resolve) => setImmediate(resolve));
    landPending();
    await publishing;
    expect(steps).toEqual(['emit', 'in the stream', 'pending by corr-1', 'pending landed']);
  });
});
