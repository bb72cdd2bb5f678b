import { KinesisClient, PutRecordCommand, PutRecordsCommand, ResourceNotFoundException } from '@aws-sdk/client-kinesis';
import { mockClient } from 'aws-sdk-client-mock';
import { firstValueFrom, lastValueFrom } from 'rxjs';
import { decodePacket } from '../kinesis-packet.codec';
import { KinesisRecordBuilder } from '../kinesis-record.builder';
import { DeadlineExceededError, OutcomeUnknownError, QueueFullError } from '@lib/group-commit';
import { KinesisPublishError } from './kinesis-publish.error';
import { ClientKinesis } from './kinesis.client';
import { RecordTooLargeError } from './record-too-large.error';
import { RequestResponseUnsupportedError } from './request-response-unsupported.error';

describe('ClientKinesis', () => {
  const kinesis = new KinesisClient({ region: 'us-east-1', maxAttempts: 1 });
  const mock = mockClient(kinesis);
  // One PutRecord per event, so each test sees exactly the record it emitted; batching has
  // its own spec (batching-record.sender.spec.ts) and the default is checked at the end.
  const client = new ClientKinesis({ streamName: 'file-events', kinesis, batching: false });

  beforeEach(() => {
    mock.reset();
    mock.on(PutRecordCommand).resolves({ ShardId: 'shardId-000000000002', SequenceNumber: '4955' });
  });

  it('puts plain data as a wire packet keyed by its event id', async () => {
    const result = await lastValueFrom(client.emit('file.uploaded', { n: 1 }));

    const input = mock.commandCalls(PutRecordCommand)[0].args[0].input;
    const packet = decodePacket(input.Data!);
    expect(input.StreamName).toBe('file-events');
    expect(packet).toEqual({
      pattern: 'file.uploaded',
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      occurred_at: expect.any(String),
      headers: {},
      data: { n: 1 },
    });
    expect(Number.isNaN(Date.parse(packet.occurred_at))).toBe(false);
    expect(input.PartitionKey).toBe(packet.id);
    expect(result).toEqual({ id: packet.id, shardId: 'shardId-000000000002', sequenceNumber: '4955' });
  });

  it('carries the headers and partition key of a KinesisRecord', async () => {
    const record = new KinesisRecordBuilder({ a: 'b' })
      .setHeaders({ 'payload-version': '1', 'correlation-id': 'c-1' })
      .setPartitionKey('key-1')
      .build();
    await lastValueFrom(client.emit('x.y', record));

    const input = mock.commandCalls(PutRecordCommand)[0].args[0].input;
    expect(input.PartitionKey).toBe('key-1');
    expect(decodePacket(input.Data!)).toMatchObject({
      pattern: 'x.y',
      headers: { 'payload-version': '1', 'correlation-id': 'c-1' },
      data: { a: 'b' },
    });
  });

  it('gives every event its own id', async () => {
    await lastValueFrom(client.emit('p', 1));
    await lastValueFrom(client.emit('p', 1));
    const ids = mock.commandCalls(PutRecordCommand).map((c) => decodePacket(c.args[0].input.Data!).id);
    expect(new Set(ids).size).toBe(2);
  });

  it('completes only after Kinesis answered', async () => {
    let answer!: (value: unknown) => void;
    mock.on(PutRecordCommand).callsFake(() => new Promise((resolve) => (answer = resolve)));
    let settled = false;
    const done = lastValueFrom(client.emit('p', 1)).then(() => (settled = true));
    await waitFor(() => mock.commandCalls(PutRecordCommand).length === 1);
    await Promise.resolve();
    expect(settled).toBe(false);
    answer({ ShardId: 's', SequenceNumber: '1' });
    await done;
    expect(settled).toBe(true);
  });

  it('refuses a record over 1 MiB (data + partition key) without sending it', async () => {
    // The packet's JSON envelope pushes a 1 MiB string over the limit.
    const error = await lastValueFrom(client.emit('p', 'x'.repeat(1024 * 1024))).catch((e) => e);
    expect(error).toBeInstanceOf(RecordTooLargeError);
    expect(error.size).toBeGreaterThan(1024 * 1024);
    expect(mock.commandCalls(PutRecordCommand)).toHaveLength(0);
  });

  it('counts the partition key towards the limit', async () => {
    const probe = await lastValueFrom(client.emit('p', ''));
    const envelope = mock.commandCalls(PutRecordCommand)[0].args[0].input.Data!.byteLength;
    const fill = 1024 * 1024 - envelope - 200; // data alone fits, data + 256-char key does not
    const record = new KinesisRecordBuilder('x'.repeat(fill)).setPartitionKey('k'.repeat(256)).build();
    await expect(lastValueFrom(client.emit('p', record))).rejects.toBeInstanceOf(RecordTooLargeError);
    await expect(lastValueFrom(client.emit('p', 'x'.repeat(fill)))).resolves.toBeDefined();
    expect(probe.id).toBeDefined();
  });

  it('rejects with KinesisPublishError, cause attached, when the put fails', async () => {
    const cause = new ResourceNotFoundException({ message: 'Stream file-events not found', $metadata: {} });
    mock.on(PutRecordCommand).rejects(cause);
    const error = await lastValueFrom(client.emit('p', 1)).catch((e) => e);
    expect(error).toBeInstanceOf(KinesisPublishError);
    expect(error.cause).toBe(cause);
    expect(error.message).toContain('file-events');
  });

  it('answers send() with a clear error', async () => {
    const error = await firstValueFrom(client.send('p', 1)).catch((e) => e);
    expect(error).toBeInstanceOf(RequestResponseUnsupportedError);
    expect(error.message).toMatch(/emit\(\)/);
    expect(mock.commandCalls(PutRecordCommand)).toHaveLength(0);
  });

  it('sends through a custom sender when given one (the batching seam)', async () => {
    const sent: string[] = [];
    const custom = new ClientKinesis({
      streamName: 's',
      kinesis,
      sender: { send: async (entry) => (sent.push(entry.partitionKey), { shardId: 'a', sequenceNumber: 'b' }) },
    });
    await lastValueFrom(custom.emit('p', new KinesisRecordBuilder(1).setPartitionKey('pk').build()));
    expect(sent).toEqual(['pk']);
    expect(mock.commandCalls(PutRecordCommand)).toHaveLength(0);
  });

  it('batches with PutRecords by default, and close() waits for what is under way', async () => {
    let answer!: (value: unknown) => void;
    mock.on(PutRecordsCommand).callsFake(() => new Promise((resolve) => (answer = resolve)));
    const batching = new ClientKinesis({ streamName: 'file-events', kinesis });
    const emitted = lastValueFrom(batching.emit('p', new KinesisRecordBuilder(1).setPartitionKey('pk').build()));
    await waitFor(() => mock.commandCalls(PutRecordsCommand).length === 1);
    let closed = false;
    const closing = batching.close().then(() => (closed = true));
    await new Promise((r) => setImmediate(r));
    expect(closed).toBe(false);
    answer({ FailedRecordCount: 0, Records: [{ ShardId: 'shardId-000000000001', SequenceNumber: '7' }] });
    await closing;
    await expect(emitted).resolves.toMatchObject({ shardId: 'shardId-000000000001', sequenceNumber: '7' });
    expect(mock.commandCalls(PutRecordsCommand)[0].args[0].input.Records).toEqual([
      { Data: expect.any(Uint8Array), PartitionKey: 'pk' },
    ]);
    expect(mock.commandCalls(PutRecordCommand)).toHaveLength(0);
  });

  it('rejects with KinesisPublishError caused by QueueFullError when the queue is full', async () => {
    mock.on(PutRecordsCommand).callsFake(() => new Promise(() => undefined));
    const tiny = new ClientKinesis({ streamName: 's', kinesis, batching: { maxQueuedItems: 1, deadlineMs: 300 } });
    const first = lastValueFrom(tiny.emit('p', 1)).catch((e) => e);
    const error = await lastValueFrom(tiny.emit('p', 2)).catch((e) => e);
    expect(error).toBeInstanceOf(KinesisPublishError);
    expect(error.cause).toBeInstanceOf(QueueFullError);
    // The first one's call never answered: it may be in the stream, so it is not "failed".
    const unanswered = (await first).cause;
    expect(unanswered).toBeInstanceOf(OutcomeUnknownError);
    expect(unanswered.cause).toBeInstanceOf(DeadlineExceededError);
    expect((await first).outcomeUnknown).toBe(true);
    expect(error.outcomeUnknown).toBe(false);
  });

  it('unwraps to the SDK client and leaves it open on close', async () => {
    expect(client.unwrap<KinesisClient>()).toBe(kinesis);
    const destroy = jest.spyOn(kinesis, 'destroy');
    await client.close();
    expect(destroy).not.toHaveBeenCalled();
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setImmediate(r));
  }
}
