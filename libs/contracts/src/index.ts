export * from './file-uploaded.event';
export * from './contract-violation.error';
export * from './headers';
export * from './validate';
