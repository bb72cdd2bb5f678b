/** Units CloudWatch understands, of those this project uses. */
export type MetricUnit = 'Count' | 'Milliseconds' | 'Bytes' | 'None';

/** One metric's value over an interval: a sum, or up to 100 samples (EMF's limit per metric). */
export interface MetricValue {
  name: string;
  unit: MetricUnit;
  value: number | number[];
}

/** EMF allows at most 100 values per metric and 100 metrics per document. */
export const EMF_MAX_VALUES = 100;
export const EMF_MAX_METRICS = 100;

/**
 * One CloudWatch embedded-metric-format document: the metrics that share one set of
 * dimension values, as a JSON log line CloudWatch Logs turns into metrics.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 */
export function emfDocument(namespace: string, timestamp: number, dimensions: Record<string, string>, metrics: readonly MetricValue[]): string {
  const document: Record<string, unknown> = {
    _aws: {
      Timestamp: timestamp,
      CloudWatchMetrics: [
        {
          Namespace: namespace,
          Dimensions: [Object.keys(dimensions)],
          Metrics: metrics.map(({ name, unit }) => ({ Name: name, Unit: unit })),
        },
      ],
    },
    ...dimensions,
  };
  for (const metric of metrics) document[metric.name] = metric.value;
  return JSON.stringify(document);
}
