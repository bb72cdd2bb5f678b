import {
  CreateUserPoolClientCommand,
  UpdateUserPoolClientCommand,
  DescribeUserPoolClientCommand,
  ListUserPoolClientsCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { CreateTableCommand, DescribeTableCommand, type CreateTableCommandInput, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateStreamCommand, DescribeStreamSummaryCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { LOCAL_APP_CLIENT } from './app-client.definition';
import { ensureUser, generatePassword } from './cognito-users';
import type { LocalAwsClients } from './local-aws.clients';
import { LOCAL_NAMES, type LocalCloudOutputs } from './local-cloud.outputs';
import { addOwnerIndex, describeTable, hasOwnerIndex, uploadsTableDefinition } from './uploads-table';

const ACTIVE_DEADLINE_MS = 15_000;

/** What seeding produced: the parts of the outputs that are not endpoints. */
export interface SeedResult {
  clientId: string;
  demoUser: { username: string; password: string };
}

/**
 * Creates what the apps expect, leaving whatever already exists alone, so a restart on the
 * same data changes nothing: the stream (waited for until ACTIVE), the two tables, the app
 * client (reused: the id from the previous outputs, else one with the same name) and the
 * demo user. The bucket is configured by s3rver itself; the pool file is pre-created.
 * Streams are never deleted: closing kinesalite soon after a DeleteStream can crash it.
 */
export async function seedLocalCloud(clients: LocalAwsClients, previous?: LocalCloudOutputs): Promise<SeedResult> {
  await Promise.all([
    ensureStream(clients.kinesis, LOCAL_NAMES.streamName, LOCAL_NAMES.shardCount),
    ensureTable(clients.dynamodb, LOCAL_NAMES.leaseTable, keyedBy(LOCAL_NAMES.leaseTable, 'lease_key')),
    ensureUploadsTable(clients.dynamodb, LOCAL_NAMES.uploadsTable),
  ]);
  // Cognito last and strictly one write at a time (its store breaks on concurrent writes).
  const clientId = await ensureAppClient(clients, previous?.clientId);
  const demoUser = { username: LOCAL_NAMES.demoUsername, password: previous?.demoUser.password ?? generatePassword() };
  await ensureUser(clients.cognito, LOCAL_NAMES.userPoolId, demoUser.username, demoUser.password);
  return { clientId, demoUser };
}

/** Creates a stream unless it exists, then waits until it is ACTIVE (also used by e2e suites for streams of their own). */
export async function ensureStream(kinesis: KinesisClient, name: string, shardCount: number): Promise<void> {
  await ensureActive(
    `stream ${name}`,
    () =>
      unlessNotFound(
        kinesis.send(new DescribeStreamSummaryCommand({ StreamName: name })).then((r) => r.StreamDescriptionSummary?.StreamStatus),
      ),
    () => kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: shardCount })),
  );
}

function keyedBy(name: string, hashKey: string): CreateTableCommandInput {
  return {
    TableName: name,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: hashKey, AttributeType: 'S' }],
    KeySchema: [{ AttributeName: hashKey, KeyType: 'HASH' }],
  };
}

async function ensureTable(dynamodb: DynamoDBClient, name: string, definition: CreateTableCommandInput): Promise<void> {
  await ensureActive(
    `table ${name}`,
    () => unlessNotFound(dynamodb.send(new DescribeTableCommand({ TableName: name })).then((r) => r.Table?.TableStatus)),
    () => dynamodb.send(new CreateTableCommand(definition)),
  );
}

/** The uploads table with its owner index; one kept from before the index gets it, items and all. */
async function ensureUploadsTable(dynamodb: DynamoDBClient, name: string): Promise<void> {
  const existing = await describeTable(dynamodb, name);
  if (existing !== undefined && !hasOwnerIndex(existing)) {
    await addOwnerIndex(dynamodb, name, until);
  }
  await ensureTable(dynamodb, name, uploadsTableDefinition(name));
}

/**
 * Creates a resource unless `status` finds it (a concurrent creation counts as existing),
 * then polls until it is ACTIVE.
 */
async function ensureActive(
  what: string,
  status: () => Promise<string | undefined>,
  create: () => Promise<unknown>,
): Promise<void> {
  if ((await status()) === undefined) {
    await create().catch((error: Error) => {
      if (error.name !== 'ResourceInUseException') throw error;
    });
  }
  await until(async () => (await status()) === 'ACTIVE', `${what} to become ACTIVE`);
}

/** A describe call that answers `undefined` for a resource that does not exist. */
function unlessNotFound<T>(call: Promise<T>): Promise<T | undefined> {
  return call.catch((error: Error) => {
    if (error.name === 'ResourceNotFoundException') return undefined;
    throw error;
  });
}

async function ensureAppClient({ cognito }: LocalAwsClients, previousId?: string): Promise<string> {
  const UserPoolId = LOCAL_NAMES.userPoolId;
  const definition = {
    ...LOCAL_APP_CLIENT,
    ExplicitAuthFlows: [...LOCAL_APP_CLIENT.ExplicitAuthFlows],
    AllowedOAuthFlows: [...LOCAL_APP_CLIENT.AllowedOAuthFlows],
    AllowedOAuthScopes: [...LOCAL_APP_CLIENT.AllowedOAuthScopes],
    CallbackURLs: [...LOCAL_APP_CLIENT.CallbackURLs],
    SupportedIdentityProviders: [...LOCAL_APP_CLIENT.SupportedIdentityProviders],
  };
  const existingId = previousId ?? (await findAppClientByName(cognito));
  const existing = existingId
    ? await cognito
        .send(new DescribeUserPoolClientCommand({ UserPoolId, ClientId: existingId }))
        .then((r) => r.UserPoolClient)
        .catch(() => undefined)
    : undefined;
  if (existing?.ClientId) {
    // A client seeded by an older version keeps its id (running apps trust it) but gets the
    // callback URLs added since, e.g. `npm run login`'s loopback callback.
    const missing = definition.CallbackURLs.filter((url) => !existing.CallbackURLs?.includes(url));
    if (missing.length > 0) {
      await cognito.send(new UpdateUserPoolClientCommand({ ...definition, ClientId: existing.ClientId }));
    }
    return existing.ClientId;
  }
  const created = await cognito.send(new CreateUserPoolClientCommand(definition));
  const clientId = created.UserPoolClient?.ClientId;
  if (!clientId) throw new Error('Cognito created an app client without an id');
  return clientId;
}

async function findAppClientByName(cognito: LocalAwsClients['cognito']): Promise<string | undefined> {
  const listed = await cognito.send(
    new ListUserPoolClientsCommand({ UserPoolId: LOCAL_NAMES.userPoolId, MaxResults: 60 }),
  );
  return listed.UserPoolClients?.find((c) => c.ClientName === LOCAL_NAMES.appClientName)?.ClientId;
}

/** Polls `check` until it is true, failing after a deadline. */
async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + ACTIVE_DEADLINE_MS;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
