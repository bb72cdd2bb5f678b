import { Global, Module, type DynamicModule } from '@nestjs/common';
import { validateEnvironment } from '@lib/config';
import { Metrics, METRICS_SETTINGS, type MetricsSettings } from './metrics';
import { metricsEnvironmentSchema } from './metrics-environment.schema';
import { METRICS_SINK, stdoutMetricsSink } from './metrics-sink';

export interface MetricsModuleOptions {
  /** The `Service` dimension of every metric. */
  service: string;
  /** Variables to read METRICS_* from; `process.env` by default. */
  environment?: Record<string, string | undefined>;
}

/** `Metrics` everywhere in the app, written as CloudWatch EMF lines (see {@link Metrics}). */
@Global()
@Module({})
export class MetricsModule {
  static forRoot({ service, environment }: MetricsModuleOptions): DynamicModule {
    return {
      module: MetricsModule,
      providers: [
        {
          provide: METRICS_SETTINGS,
          // Read when the app is created, not when its module file is imported.
          useFactory: (): MetricsSettings => {
            const settings = validateEnvironment(metricsEnvironmentSchema)(environment ?? process.env);
            return {
              enabled: settings.METRICS_ENABLED,
              namespace: settings.METRICS_NAMESPACE,
              baseDimensions: { Service: service },
              flushIntervalMs: settings.METRICS_FLUSH_INTERVAL_S * 1000,
            };
          },
        },
        { provide: METRICS_SINK, useValue: stdoutMetricsSink },
        { provide: Metrics, inject: [METRICS_SETTINGS, METRICS_SINK], useFactory: (settings: MetricsSettings, sink) => new Metrics(settings, sink) },
      ],
      exports: [Metrics],
    };
  }
}
