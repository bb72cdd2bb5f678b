export { e2eEnvironment, E2E_USERS, type E2eEnvironment } from './e2e-environment';
export { waitFor, WaitForTimeoutError, type WaitForOptions } from './wait-for';
export { createTestUser, bearer, type TestUser, type CreateTestUserOptions } from './test-users';
export { withCognitoWriteLock, type CognitoWriteLockOptions } from './cognito-write.lock';
export { registerCallbackUrl } from './cognito-callback-url';
export {
  createTestStream,
  startApi,
  startWorker,
  startPipeline,
  type CreateTestStreamOptions,
  type StartApiOptions,
  type StartWorkerOptions,
  type TestPipeline,
} from './test-apps';
export { createStream, localAwsOptions, localKinesisClient, localS3Client } from './aws';
export { SINGLE_USER_LOAD } from './single-user-load';
