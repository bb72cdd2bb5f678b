import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { EMF_MAX_METRICS, EMF_MAX_VALUES, emfDocument, type MetricUnit, type MetricValue } from './emf-document';
import { METRICS_SINK, type MetricsSink } from './metrics-sink';

export const METRICS_SETTINGS = Symbol('METRICS_SETTINGS');

export interface MetricsSettings {
  enabled: boolean;
  namespace: string;
  /** Dimensions on every metric of this app (`Service`). */
  baseDimensions: Record<string, string>;
  flushIntervalMs: number;
}

/** Called at each flush: adds values read from elsewhere (queue statistics, lag). */
export type MetricsCollector = (metrics: Metrics) => void;

interface Series {
  dimensions: Record<string, string>;
  values: Map<string, { unit: MetricUnit; sum: number; samples: number[]; seen: number; sampled: boolean }>;
}

/**
 * The app's metrics, written as CloudWatch embedded metric format (EMF) lines: counts and
 * latencies recorded in memory, one line per dimension set every METRICS_FLUSH_INTERVAL_S
 * (and at shutdown; a Lambda handler calls `flush()` after each invocation, since a frozen
 * function runs no timers). Aggregating first keeps the cost per request to a map update,
 * not a log line. Latencies keep a uniform sample of 100 per interval (EMF's limit), from
 * which CloudWatch computes percentiles.
 */
@Injectable()
export class Metrics implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(Metrics.name);
  private series = new Map<string, Series>();
  private readonly collectors: MetricsCollector[] = [];
  private timer?: NodeJS.Timeout;

  constructor(
    @Inject(METRICS_SETTINGS) private readonly settings: MetricsSettings,
    @Inject(METRICS_SINK) private readonly sink: MetricsSink,
    private readonly random: () => number = Math.random,
  ) {}

  onModuleInit(): void {
    if (!this.settings.enabled) return;
    this.timer = setInterval(() => this.flush(), this.settings.flushIntervalMs);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
    this.flush();
  }

  /** Adds `value` (default 1) to a count. */
  count(name: string, dimensions: Record<string, string> = {}, value = 1): void {
    this.add(name, 'Count', dimensions, value, false);
  }

  /** Records one duration in milliseconds (sampled). */
  timing(name: string, milliseconds: number, dimensions: Record<string, string> = {}): void {
    this.add(name, 'Milliseconds', dimensions, milliseconds, true);
  }

  /** Records a level (lag, queue depth): every value is kept as a sample, like a timing. */
  gauge(name: string, value: number, unit: MetricUnit, dimensions: Record<string, string> = {}): void {
    this.add(name, unit, dimensions, value, true);
  }

  addCollector(collector: MetricsCollector): void {
    this.collectors.push(collector);
  }

  /** Writes what was recorded since the last flush, one EMF line per dimension set. */
  flush(): void {
    if (!this.settings.enabled) return;
    for (const collect of this.collectors) {
      try {
        collect(this);
      } catch (error) {
        this.logger.warn(`a metrics collector failed: ${String(error)}`);
      }
    }
    const series = this.series;
    this.series = new Map();
    const timestamp = Date.now();
    for (const { dimensions, values } of series.values()) {
      const metrics: MetricValue[] = [...values].map(([name, { unit, sum, samples, sampled }]) => ({
        name,
        unit,
        value: sampled ? samples : sum,
      }));
      for (let start = 0; start < metrics.length; start += EMF_MAX_METRICS) {
        this.sink(emfDocument(this.settings.namespace, timestamp, { ...this.settings.baseDimensions, ...dimensions }, metrics.slice(start, start + EMF_MAX_METRICS)));
      }
    }
  }

  private add(name: string, unit: MetricUnit, dimensions: Record<string, string>, value: number, sampled: boolean): void {
    if (!this.settings.enabled || !Number.isFinite(value)) return;
    const key = seriesKey(dimensions);
    let series = this.series.get(key);
    if (series === undefined) {
      series = { dimensions, values: new Map() };
      this.series.set(key, series);
    }
    let metric = series.values.get(name);
    if (metric === undefined) {
      metric = { unit, sum: 0, samples: [], seen: 0, sampled };
      series.values.set(name, metric);
    }
    metric.sum += value;
    metric.seen += 1;
    if (!sampled) return;
    // Reservoir sampling: each of the `seen` values has the same chance to be among the 100.
    if (metric.samples.length < EMF_MAX_VALUES) metric.samples.push(value);
    else {
      const slot = Math.floor(this.random() * metric.seen);
      if (slot < EMF_MAX_VALUES) metric.samples[slot] = value;
    }
  }
}

function seriesKey(dimensions: Record<string, string>): string {
  return Object.keys(dimensions)
    .sort()
    .map((name) => `${name}=${dimensions[name]}`)
    .join('\u0000');
}
