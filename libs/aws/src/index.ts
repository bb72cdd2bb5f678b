export * from './aws-errors';
export * from './aws-clients.options';
export * from './aws-client.factories';
export * from './aws-clients.module';
export * from './aws.health-indicator';
