export * from './emf-document';
export * from './metrics';
export * from './metrics-environment.schema';
export * from './metrics-sink';
export * from './metrics.module';
