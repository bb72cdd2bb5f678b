import type { FactoryProvider } from '@nestjs/common';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { ClientKinesis } from '@lib/kinesis';
import { apiConfig, type ApiConfig } from '../config';

/**
 * The publisher of file events, injectable as `ClientKinesis`: built over the app's one
 * `KinesisClient` (from `AwsClientsModule`), the configured stream and publisher settings
 * (batching, retries, queue bounds). Nest calls its `onApplicationShutdown` on SIGTERM,
 * which waits for the records still under way.
 */
export const fileEventsClientProvider: FactoryProvider<ClientKinesis> = {
  provide: ClientKinesis,
  inject: [KinesisClient, apiConfig.KEY],
  useFactory: (kinesis: KinesisClient, config: ApiConfig) =>
    new ClientKinesis({ streamName: config.streamName, kinesis, batching: config.publisher.batching }),
};
