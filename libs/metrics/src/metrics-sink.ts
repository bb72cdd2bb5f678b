/**
 * Where EMF lines go: stdout (the container's or the Lambda function's log stream, which
 * CloudWatch Logs turns into metrics) unless a test overrides this provider.
 */
export const METRICS_SINK = Symbol('METRICS_SINK');

export type MetricsSink = (line: string) => void;

export const stdoutMetricsSink: MetricsSink = (line) => {
  process.stdout.write(`${line}\n`);
};
