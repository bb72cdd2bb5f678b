export * from './kinesis-client.options';
export * from './kinesis-record.sender';
export * from './put-record.sender';
export * from './kinesis.client';
export * from './record-too-large.error';
export * from './kinesis-publish.error';
export * from './request-response-unsupported.error';
