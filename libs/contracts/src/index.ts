export * from './file-uploaded.event';
export * from './file-deletion-requested.event';
export * from './contract-violation.error';
export * from './headers';
export * from './validate';
export * from './web-page-config';
export * from './cognito-revoke-token';
