export * from './kinesis-packet';
export * from './kinesis-packet.codec';
export * from './kinesis-record.builder';
