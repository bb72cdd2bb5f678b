export * from './backoff';
export * from './group-commit.errors';
export * from './group-commit.queue';
export * from './throttle-window';
