import { Module } from '@nestjs/common';
import { KinesisTransportModule } from '../transport/kinesis-transport.module';
import { RecordMetricsObserver } from './record-metrics.observer';
import { TransportStatsCollector } from './transport-stats.collector';

/** What the worker in a container measures (see README, Metrics). */
@Module({
  imports: [KinesisTransportModule],
  providers: [RecordMetricsObserver, TransportStatsCollector],
})
export class WorkerMetricsModule {}

/**
 * On Lambda: the record observer only, which lambda.ts hands to its KinesisLambdaServer (no
 * leases or lag here: the event source mapping reports IteratorAge itself).
 */
@Module({
  providers: [RecordMetricsObserver],
  exports: [RecordMetricsObserver],
})
export class LambdaWorkerMetricsModule {}
