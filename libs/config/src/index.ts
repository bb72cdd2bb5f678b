export * from './env-schemas';
export * from './validate-environment';
