export { FaultyKinesisProxy, type FaultyKinesisProxyOptions, type FaultyKinesisStats } from './faulty-kinesis.proxy';
export { NO_FAULTS, type KinesisFaults, type RecordErrorCode, type RequestFailureKind } from './kinesis-faults';
export { readWholeStream, recordJson } from './read-stream';
