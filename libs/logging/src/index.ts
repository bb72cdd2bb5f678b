export * from './log-destination';
export * from './logging-environment.schema';
export * from './logging.module';
export * from './request-id';
