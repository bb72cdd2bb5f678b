import { Match } from 'aws-cdk-lib/assertions';
import { templates } from './test-app';
import { OWNER_INDEX_NAME, OWNER_INDEX_PROJECTED_ATTRIBUTES } from '../../libs/upload-status/src/upload-listing';

describe('SharedStack', () => {
  const { shared } = templates();

  it('has a user pool with e-mail sign-in, a strong password policy, optional MFA and no self sign-up', () => {
    shared.hasResourceProperties('AWS::Cognito::UserPool', {
      UsernameAttributes: ['email'],
      MfaConfiguration: 'OPTIONAL',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      Policies: {
        PasswordPolicy: Match.objectLike({
          MinimumLength: 12,
          RequireLowercase: true,
          RequireUppercase: true,
          RequireNumbers: true,
          RequireSymbols: true,
        }),
      },
    });
  });

  it('has a public app client for the code flow with the configured callbacks only, and 15-minute tokens', () => {
    shared.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthScopes: Match.arrayWith(['openid']),
      CallbackURLs: ['https://uploads.example.com/'],
      AccessTokenValidity: 15,
      IdTokenValidity: 15,
      TokenValidityUnits: Match.objectLike({ AccessToken: 'minutes', IdToken: 'minutes' }),
    });
    // The local callbacks (npm run login, a local api's page) only on a development pool.
    templates({ localCallbacks: 'true' }).shared.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      CallbackURLs: ['http://localhost:3000/', 'http://localhost:8976/callback', 'https://uploads.example.com/'],
    });
    shared.resourceCountIs('AWS::Cognito::UserPoolDomain', 1);
    shared.hasOutput('HostedUiUrl', {});
    shared.hasOutput('UserPoolClientId', {});
  });

  it('has an encrypted, on-demand stream by default', () => {
    shared.hasResourceProperties('AWS::Kinesis::Stream', {
      StreamEncryption: { EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' },
      StreamModeDetails: { StreamMode: 'ON_DEMAND' },
      RetentionPeriodHours: 24,
    });
  });

  it('takes a provisioned stream with its shard count from context', () => {
    const { shared: provisioned } = templates({ streamMode: 'provisioned', streamShardCount: 4, streamRetentionHours: 72 });
    provisioned.hasResourceProperties('AWS::Kinesis::Stream', {
      ShardCount: 4,
      StreamModeDetails: { StreamMode: 'PROVISIONED' },
      RetentionPeriodHours: 72,
    });
    // incoming/ outlives the longer retention too (3 days + 1).
    provisioned.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ Prefix: 'incoming/', ExpirationInDays: 4 })]) },
    });
  });

  it('refuses a bad context value by name', () => {
    expect(() => templates({ streamMode: 'fast' })).toThrow('context streamMode must be "on-demand" or "provisioned"');
    expect(() => templates({ streamRetentionHours: 12 })).toThrow('context streamRetentionHours must be an integer from 24 to 8760');
  });

  it('has a files bucket that is encrypted, versioned, private, TLS-only and logged', () => {
    shared.hasResourceProperties('AWS::S3::Bucket', {
      LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'files/' }),
      VersioningConfiguration: { Status: 'Enabled' },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
    });
    // No bucket of this stack is public, and each one refuses plain HTTP.
    const buckets = shared.findResources('AWS::S3::Bucket');
    for (const bucket of Object.values(buckets)) {
      expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      expect(bucket.Properties.BucketEncryption).toBeDefined();
    }
    const policies = Object.values(shared.findResources('AWS::S3::BucketPolicy'));
    expect(policies).toHaveLength(Object.keys(buckets).length);
    for (const policy of policies) {
      expect(policy.Properties.PolicyDocument.Statement).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      );
    }
  });

  it('expires incoming/ after the stream retention, keeps dead letters longer and aborts stale multipart uploads', () => {
    shared.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({ Prefix: 'incoming/', ExpirationInDays: 2, Status: 'Enabled' }),
          Match.objectLike({ Prefix: 'dead-letter/', ExpirationInDays: 90, Status: 'Enabled' }),
          // The index of dead letters by upload goes with the letters.
          Match.objectLike({ Prefix: 'dead-letter-index/', ExpirationInDays: 90, Status: 'Enabled' }),
          Match.objectLike({ AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 }, Status: 'Enabled' }),
        ]),
      },
    });
  });

  it('has encrypted, point-in-time-recoverable uploads and lease tables with the keys the apps use', () => {
    for (const key of ['id', 'lease_key']) {
      shared.hasResourceProperties('AWS::DynamoDB::Table', {
        KeySchema: [{ AttributeName: key, KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
        SSESpecification: { SSEEnabled: true },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      });
    }
    // The api's pending items expire; the upload's own items have no expires_at and stay.
    shared.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      TimeToLiveSpecification: { AttributeName: 'expires_at', Enabled: true },
    });
  });

  it('indexes uploads by owner and list key, as the api queries them, projecting only what a listing shows', () => {
    shared.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      GlobalSecondaryIndexes: [
        {
          IndexName: OWNER_INDEX_NAME,
          KeySchema: [
            { AttributeName: 'owner_sub', KeyType: 'HASH' },
            { AttributeName: 'list_key', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: [...OWNER_INDEX_PROJECTED_ATTRIBUTES] },
        },
      ],
    });
  });
});
