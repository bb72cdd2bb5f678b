import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { acknowledgeRule } from './nag-suppressions';
import { LOCAL_CALLBACK_URLS, type DeploySettings } from './deploy-settings';
import {
  LIST_KEY_ATTRIBUTE,
  OWNER_ATTRIBUTE,
  OWNER_INDEX_NAME,
  OWNER_INDEX_PROJECTED_ATTRIBUTES,
} from '../../libs/upload-status/src/upload-listing';

/** Key prefixes the apps write under (README "Large files", "Operating the worker"). */
export const INCOMING_PREFIX = 'incoming/';
export const DEAD_LETTER_PREFIX = 'dead-letter/';
/** The worker's index of dead letters by upload id (DEAD_LETTER_INDEX_PREFIX in apps/worker). */
export const DEAD_LETTER_INDEX_PREFIX = 'dead-letter-index/';

export interface SharedStackProps extends StackProps {
  readonly settings: DeploySettings;
}

/**
 * What both deployment modes share, so switching between Lambda and ECS keeps the users, the
 * stream, the files and their status: the Cognito user pool with its hosted UI, the Kinesis
 * stream, the bucket, the uploads table and the worker's lease table.
 */
export class SharedStack extends Stack {
  readonly userPool: cognito.UserPool;
  readonly userPoolClient: cognito.UserPoolClient;
  readonly userPoolDomain: cognito.UserPoolDomain;
  readonly stream: kinesis.Stream;
  /** How long the stream keeps a record (the `streamRetentionHours` setting). */
  readonly streamRetention: Duration;
  readonly bucket: s3.Bucket;
  readonly uploadsTable: dynamodb.Table;
  readonly leaseTable: dynamodb.Table;
  /**
   * The export the other stacks import the bucket's ARN through, named once here so that
   * cdk-nag findings on `<bucket ARN>/*` (object grants) have a stable name to acknowledge.
   */
  readonly bucketArnExportName: string;
  readonly bucketNameExportName: string;

  constructor(scope: Construct, id: string, props: SharedStackProps) {
    super(scope, id, props);
    const { settings } = props;

    this.userPool = this.createUserPool();
    this.userPoolClient = this.userPool.addClient('AppClient', {
      // A public client (browser, CLI): PKCE instead of a secret, as `npm run login` does.
      generateSecret: false,
      authFlows: { userSrp: true },
      preventUserExistenceErrors: true,
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE],
        callbackUrls: this.callbackUrlsOf(settings),
      },
      // Short-lived: a leaked access token is worth minutes; the page and `npm run login` refresh.
      accessTokenValidity: Duration.minutes(settings.accessTokenMinutes),
      idTokenValidity: Duration.minutes(settings.accessTokenMinutes),
      refreshTokenValidity: Duration.days(30),
    });
    this.userPoolDomain = this.userPool.addDomain('HostedUi', {
      cognitoDomain: { domainPrefix: settings.cognitoDomainPrefix ?? `uploads-${this.account}` },
    });

    this.streamRetention = Duration.hours(settings.streamRetentionHours);
    this.stream = new kinesis.Stream(this, 'FileEvents', {
      streamMode: settings.streamMode === 'on-demand' ? kinesis.StreamMode.ON_DEMAND : kinesis.StreamMode.PROVISIONED,
      shardCount: settings.streamMode === 'provisioned' ? settings.streamShardCount : undefined,
      retentionPeriod: this.streamRetention,
      // The AWS managed key (aws/kinesis): encrypted at rest, no key policy to get wrong.
      encryption: kinesis.StreamEncryption.MANAGED,
    });

    this.bucket = this.createBucket(settings);
    this.bucketArnExportName = `${this.stackName}-FilesBucketArn`;
    this.bucketNameExportName = `${this.stackName}-FilesBucketName`;
    this.exportValue(this.bucket.bucketArn, { name: this.bucketArnExportName });
    this.exportValue(this.bucket.bucketName, { name: this.bucketNameExportName });
    this.uploadsTable = new dynamodb.Table(this, 'Uploads', {
      partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // The api's pending items (pending#<id>) expire once the upload's own item has long
      // replaced them (PENDING_ITEM_TTL_SECONDS in libs/upload-status); the upload's own items
      // carry no such attribute and stay.
      timeToLiveAttribute: 'expires_at',
      // The status of every upload: kept when the stack goes.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // GET /uploads: an owner's uploads, newest first, by query (libs/upload-status, upload-listing.ts).
    this.uploadsTable.addGlobalSecondaryIndex({
      indexName: OWNER_INDEX_NAME,
      partitionKey: { name: OWNER_ATTRIBUTE, type: dynamodb.AttributeType.STRING },
      sortKey: { name: LIST_KEY_ATTRIBUTE, type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.INCLUDE,
      nonKeyAttributes: [...OWNER_INDEX_PROJECTED_ATTRIBUTES],
    });
    this.leaseTable = new dynamodb.Table(this, 'WorkerLeases', {
      partitionKey: { name: 'lease_key', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // Leases and checkpoints only: a new table makes the workers start at the trim horizon.
      removalPolicy: RemovalPolicy.DESTROY,
    });

    new CfnOutput(this, 'UserPoolId', { value: this.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: this.userPoolClient.userPoolClientId });
    new CfnOutput(this, 'HostedUiUrl', { value: this.userPoolDomain.baseUrl() });
    new CfnOutput(this, 'StreamName', { value: this.stream.streamName });
    new CfnOutput(this, 'BucketName', { value: this.bucket.bucketName });
  }

  /** The configured callbacks, and the local ones only when asked for (a development pool). */
  private callbackUrlsOf(settings: DeploySettings): string[] {
    return [...(settings.localCallbacks ? LOCAL_CALLBACK_URLS : []), ...settings.callbackUrls];
  }

  private createUserPool(): cognito.UserPool {
    const pool = new cognito.UserPool(this, 'Users', {
      signInAliases: { email: true },
      autoVerify: { email: true },
      // Users are invited (admin-create-user); nobody signs up on their own.
      selfSignUpEnabled: false,
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      mfa: cognito.Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      featurePlan: cognito.FeaturePlan.ESSENTIALS,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledgeRule(pool, 'AwsSolutions-COG2', 'MFA is optional by design (issue 7): users can enrol TOTP; requiring it would lock out the CLI login of service accounts.');
    acknowledgeRule(
      pool,
      'AwsSolutions-COG8',
      'Threat protection needs the Plus feature plan (billed per monthly active user); Essentials is the default here, upgrade per deployment.',
    );
    return pool;
  }

  private createBucket(settings: DeploySettings): s3.Bucket {
    const accessLogs = new s3.Bucket(this, 'AccessLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(365) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledgeRule(accessLogs, 'AwsSolutions-S1', 'This is the access-log bucket itself; logging it into itself would loop.');
    // A record can be delivered again until it leaves the stream, and its staged bytes must
    // still be in incoming/ then: keep them one day past the retention.
    const incomingDays = Math.ceil(settings.streamRetentionHours / 24) + 1;
    return new s3.Bucket(this, 'Files', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'files/',
      lifecycleRules: [
        { id: 'incoming', prefix: INCOMING_PREFIX, expiration: Duration.days(incomingDays), noncurrentVersionExpiration: Duration.days(1) },
        { id: 'dead-letters', prefix: DEAD_LETTER_PREFIX, expiration: Duration.days(settings.deadLetterRetentionDays) },
        { id: 'dead-letter-index', prefix: DEAD_LETTER_INDEX_PREFIX, expiration: Duration.days(settings.deadLetterRetentionDays) },
        // Staging aborted mid-way (413, outage, crash) leaves parts that are billed but invisible.
        { id: 'abort-incomplete-multipart', abortIncompleteMultipartUploadAfter: Duration.days(1) },
        { id: 'old-versions', noncurrentVersionExpiration: Duration.days(30) },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}
