import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { Deserializer, Serializer } from '@nestjs/microservices';
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
   * How encoded records reach the stream. Default: one `PutRecord` per event
   * ({@link PutRecordSender}); a batching queue can take its place without touching the client.
   */
  sender?: KinesisRecordSender;
  /**
   * Turns the wire packet into what is sent. Default: the packet itself, encoded as UTF-8
   * JSON. A serializer may return bytes (`Uint8Array`) to take over the encoding.
   */
  serializer?: Serializer;
  /** Unused by events (Kinesis has no responses); accepted for symmetry with Nest clients. */
  deserializer?: Deserializer;
}
