export * from './api-environment.schema';
export * from './api.config';
export * from './api-config.module';
