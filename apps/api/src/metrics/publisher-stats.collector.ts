import { Injectable, type OnModuleInit } from '@nestjs/common';
import { ClientKinesis, type KinesisSenderStats } from '@lib/kinesis';
import { Metrics } from '@lib/metrics';

const COUNTED: ReadonlyArray<[keyof KinesisSenderStats, string]> = [
  ['retried', 'PublishRetries'],
  ['failed', 'PublishFailures'],
  ['refused', 'PublishQueueFull'],
  ['shed', 'PublishShed'],
  ['throttled', 'PublishThrottled'],
  ['requests', 'PublishCalls'],
  ['failedRequests', 'PublishFailedCalls'],
];

/**
 * The publisher's counters as metrics: at each flush, what changed since the last one.
 * Read from the sender's statistics rather than counted on the hot path.
 */
@Injectable()
export class PublisherStatsCollector implements OnModuleInit {
  private last: Partial<KinesisSenderStats> = {};

  constructor(
    private readonly metrics: Metrics,
    private readonly events: ClientKinesis,
  ) {}

  onModuleInit(): void {
    this.metrics.addCollector((metrics) => {
      const stats = this.events.publishStats;
      if (stats === undefined) return;
      for (const [field, name] of COUNTED) {
        const delta = stats[field] - (this.last[field] ?? 0);
        if (delta > 0) metrics.count(name, {}, delta);
      }
      this.last = { ...stats };
    });
  }
}
