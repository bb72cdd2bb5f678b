import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { Deserializer, Serializer } from '@nestjs/microservices';
import type { BatchingOptions } from './batching/batching-record.sender';
import type { KinesisRecordSender } from './kinesis-record.sender';

/** Options of {@link ClientKinesis}. */
export interface ClientKinesisOptions {
  /** Name of the stream every event is put into. */
  streamName: string;
  /**
   * The SDK client, provided by the app (for example by `AwsClientsModule`): its owner
   * configures endpoints and retries, and destroys it; `ClientKinesis.close()` leaves it alone.
   */
  kinesis: KinesisClient;
  /**
   * How records are batched and retried (see {@link BatchingOptions}), or `false` for one
   * `PutRecord` per event with only the SDK client's own retries. Default: batching with the
   * defaults of `BatchingRecordSender`.
   */
  batching?: BatchingOptions | false;
  /** Delivers encoded records; when given, `batching` is ignored. For tests and custom queues. */
  sender?: KinesisRecordSender;
  /**
   * Turns the wire packet into what is sent. Default: the packet itself, encoded as UTF-8
   * JSON. A serializer may return bytes (`Uint8Array`) to take over the encoding.
   */
  serializer?: Serializer;
  /** Unused by events (Kinesis has no responses); accepted for symmetry with Nest clients. */
  deserializer?: Deserializer;
}
