import { Injectable, type OnModuleInit } from '@nestjs/common';
import { ServerKinesis } from '@lib/kinesis';
import { Metrics } from '@lib/metrics';
import { RecordMetricsObserver } from './record-metrics.observer';

/**
 * The container transport's metrics: every record's outcome (through
 * {@link RecordMetricsObserver}), `RecordsTrimmedUnread` when a shard resumes past a gap, and at each flush `LeasesHeld` and `MaxShardLag` (how far
 * behind its tip the worst of this worker's shards is, from arrival times). Per worker, not
 * per shard: shard ids as a dimension would make new metrics at every reshard.
 */
@Injectable()
export class TransportStatsCollector implements OnModuleInit {
  constructor(
    private readonly metrics: Metrics,
    private readonly transport: ServerKinesis,
    private readonly records: RecordMetricsObserver,
  ) {}

  onModuleInit(): void {
    this.transport.observeRecords(this.records);
    // Records trimmed unread (a worker down longer than the retention): deploy/ alarms on it.
    this.transport.on('records-trimmed', () => this.metrics.count('RecordsTrimmedUnread'));
    this.metrics.addCollector((metrics) => {
      const shards = this.transport.shards;
      metrics.gauge('LeasesHeld', shards.length, 'Count');
      const lags = shards.map((shard) => shard.lagMs).filter((lag): lag is number => typeof lag === 'number');
      if (lags.length > 0) metrics.gauge('MaxShardLag', Math.max(...lags), 'Milliseconds');
    });
  }
}
