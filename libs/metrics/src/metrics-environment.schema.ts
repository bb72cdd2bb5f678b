import { z } from 'zod';
import { env } from '@lib/config';

/** The variables every app reads for its metrics. */
export const metricsEnvironmentSchema = z.object({
  METRICS_ENABLED: env.bool(true),
  // The CloudWatch namespace the embedded-metric-format lines put their metrics in.
  METRICS_NAMESPACE: z.string().min(1).max(255).default('NestKinesisUploads'),
  // One EMF line per dimension set per interval: counts summed, latencies sampled (100 per line).
  METRICS_FLUSH_INTERVAL_S: z.coerce.number().int().min(1).max(3600).default(60),
});
export type MetricsEnvironment = z.infer<typeof metricsEnvironmentSchema>;
