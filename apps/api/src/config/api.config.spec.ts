import { apiConfigFrom } from './api.config';
import { apiEnvironmentSchema } from './api-environment.schema';

describe('apiConfigFrom', () => {
  it('gives the Kinesis client one attempt per call: the publisher retries whole batches itself', () => {
    const config = apiConfigFrom(apiEnvironmentSchema.parse({ COGNITO_USER_POOL_ID: 'us-east-1_Pool1', COGNITO_CLIENT_IDS: 'c' }));
    expect(config.aws.kinesisMaxAttempts).toBe(1);
    expect(config.publisher.batching.deadlineMs).toBeGreaterThan(0);
  });
});
