import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { LOCAL_CREDENTIALS, LOCAL_NAMES } from './local-cloud.outputs';

/** SDK clients for talking to the stand-ins from the tools (the apps use libs/aws). */
export interface LocalAwsClients {
  kinesis: KinesisClient;
  dynamodb: DynamoDBClient;
  cognito: CognitoIdentityProviderClient;
  destroy(): void;
}

export function createLocalAwsClients(endpoints: { kinesis: string; dynamodb: string; cognito: string }): LocalAwsClients {
  // A fresh credentials object per client: the SDK annotates the one it is given.
  const common = () => ({
    region: LOCAL_NAMES.region,
    credentials: { ...LOCAL_CREDENTIALS },
    maxAttempts: 2,
  });
  // kinesalite speaks HTTP/1.1 only; the Kinesis client would otherwise use HTTP/2.
  const kinesis = new KinesisClient({ ...common(), endpoint: endpoints.kinesis, requestHandler: new NodeHttpHandler() });
  const dynamodb = new DynamoDBClient({ ...common(), endpoint: endpoints.dynamodb });
  const cognito = createLocalCognitoClient(endpoints.cognito);
  return {
    kinesis,
    dynamodb,
    cognito,
    destroy() {
      kinesis.destroy();
      dynamodb.destroy();
      cognito.destroy();
    },
  };
}

export function createLocalCognitoClient(endpoint: string): CognitoIdentityProviderClient {
  return new CognitoIdentityProviderClient({
    region: LOCAL_NAMES.region,
    credentials: { ...LOCAL_CREDENTIALS },
    endpoint,
    // A local cloud that is down should fail fast, not after retries.
    maxAttempts: 1,
  });
}
