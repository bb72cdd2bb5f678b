import { randomUUID } from 'node:crypto';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { OnApplicationShutdown } from '@nestjs/common';
import { ClientProxy, type ReadPacket, type WritePacket } from '@nestjs/microservices';
import type { KinesisPacket } from '../kinesis-packet';
import { BatchingRecordSender } from './batching/batching-record.sender';
import { encodePacket } from '../kinesis-packet.codec';
import { KinesisRecord } from '../kinesis-record.builder';
import type { ClientKinesisOptions } from './kinesis-client.options';
import { KinesisPublishError } from './kinesis-publish.error';
import type { KinesisPutResult, KinesisRecordSender, KinesisSenderStats } from './kinesis-record.sender';
import { PutRecordSender } from './put-record.sender';
import { KINESIS_MAX_RECORD_BYTES, RecordTooLargeError } from './record-too-large.error';
import { RequestResponseUnsupportedError } from './request-response-unsupported.error';

/** What `emit()` yields once Kinesis accepted the record. */
export interface KinesisEmitResult extends KinesisPutResult {
  /** The event id written into the wire packet. */
  id: string;
}

/**
 * A Nest `ClientProxy` that publishes events to a Kinesis stream, in the shape of Nest's own
 * transports (`ClientKafka`, `ClientRMQ`):
 *
 * ```ts
 * await lastValueFrom(client.emit('file.uploaded', new KinesisRecordBuilder(data)
 *   .setHeaders({ 'correlation-id': id }).setPartitionKey(key).build()));
 * ```
 *
 * Records are batched and retried by a {@link BatchingRecordSender} (group commit into
 * `PutRecords`, retries with backoff within a deadline, a bounded queue) unless
 * `batching: false` asks for one `PutRecord` each.
 *
 * The observable (hot, as with every Nest client) emits a {@link KinesisEmitResult} and
 * completes only once Kinesis accepted the record; it errors with {@link RecordTooLargeError}
 * before sending a record Kinesis would refuse, or with {@link KinesisPublishError} when the
 * record is not in the stream — its `cause` says why (`QueueFullError`,
 * `DeadlineExceededError`, `SaturatedError`, or the SDK's error). `send()` (request-response) is not
 * supported.
 */
export class ClientKinesis extends ClientProxy implements OnApplicationShutdown {
  private readonly kinesis: KinesisClient;
  private readonly streamName: string;
  private readonly sender: KinesisRecordSender;

  constructor(options: ClientKinesisOptions) {
    super();
    this.kinesis = options.kinesis;
    this.streamName = options.streamName;
    this.sender = options.sender ?? ClientKinesis.defaultSender(options);
    // Without these, ClientProxy has no serializer and every emit fails.
    this.initializeSerializer(options);
    this.initializeDeserializer(options);
  }

  /** The sender's counters since start (retries, refusals, calls), when it keeps them. */
  get publishStats(): Readonly<KinesisSenderStats> | undefined {
    return this.sender.stats;
  }

  /**
   * The stream is refusing most records for throughput and the sender sheds load: an event
   * emitted now is refused at once (`KinesisPublishError`, cause `SaturatedError`). A caller can
   * skip work it would only undo (the api's pending status).
   */
  get saturated(): boolean {
    return this.sender.saturated ?? false;
  }

  /** Kinesis is plain HTTPS requests: there is no connection to open. */
  async connect(): Promise<void> {
    this._status$.next('connected');
  }

  /**
   * Waits until every event emitted so far is in the stream or given up (each within its
   * deadline), so a SIGTERM loses nothing that was accepted. The SDK client belongs to whoever
   * injected it, so it is not destroyed here.
   */
  async close(): Promise<void> {
    await this.sender.flush?.();
    this._status$.next('disconnected');
  }

  /** Nest calls this on `app.close()` (SIGTERM with shutdown hooks), after the HTTP server stopped. */
  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }

  unwrap<T = KinesisClient>(): T {
    return this.kinesis as T;
  }

  protected publish(packet: ReadPacket, callback: (packet: WritePacket) => void): () => void {
    callback({ err: new RequestResponseUnsupportedError(this.normalizePattern(packet.pattern)), isDisposed: true });
    return () => undefined;
  }

  protected async dispatchEvent<T = KinesisEmitResult>(packet: ReadPacket): Promise<T> {
    const record = packet.data instanceof KinesisRecord ? packet.data : new KinesisRecord(packet.data);
    const wire: KinesisPacket = {
      pattern: this.normalizePattern(packet.pattern),
      id: randomUUID(),
      occurred_at: new Date().toISOString(),
      headers: { ...record.headers },
      data: record.data,
    };
    const data = this.encode(wire);
    const partitionKey = record.partitionKey ?? wire.id;
    const size = data.byteLength + Buffer.byteLength(partitionKey, 'utf8');
    if (size > KINESIS_MAX_RECORD_BYTES) throw new RecordTooLargeError(wire.pattern, size);
    try {
      const placed = await this.sender.send({ data, partitionKey });
      return { id: wire.id, ...placed } satisfies KinesisEmitResult as T;
    } catch (error) {
      throw new KinesisPublishError(wire.pattern, this.streamName, { cause: error });
    }
  }

  private static defaultSender(options: ClientKinesisOptions): KinesisRecordSender {
    return options.batching === false
      ? new PutRecordSender(options.kinesis, options.streamName)
      : new BatchingRecordSender(options.kinesis, options.streamName, options.batching);
  }

  private encode(wire: KinesisPacket): Uint8Array {
    const serialized: unknown = this.serializer.serialize(wire);
    return serialized instanceof Uint8Array ? serialized : encodePacket(serialized as KinesisPacket);
  }
}
