import { Module, RequestMethod, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { UploadsModule } from '../uploads/uploads.module';
import { PublisherStatsCollector } from './publisher-stats.collector';
import { UploadOutcomeMiddleware } from './upload-outcome.middleware';

/**
 * What the api measures (see README, Metrics): upload outcomes and latency on the two routes
 * that accept uploads, and the publisher's retries and refusals. Needs `MetricsModule`.
 */
@Module({
  imports: [UploadsModule],
  providers: [PublisherStatsCollector],
})
export class ApiMetricsModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply(UploadOutcomeMiddleware)
      .forRoutes({ path: 'uploads', method: RequestMethod.POST }, { path: 'uploads/:id/complete', method: RequestMethod.POST });
  }
}
