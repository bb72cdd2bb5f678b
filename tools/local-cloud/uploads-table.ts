import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  type CreateTableCommandInput,
  type DynamoDBClient,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
// By path, not @lib/upload-status: jest's global setup starts the local cloud without the
// module mapping, and these two files need neither Nest nor the SDK.
import {
  LIST_KEY_ATTRIBUTE,
  listKeyOf,
  OWNER_ATTRIBUTE,
  OWNER_INDEX_NAME,
  OWNER_INDEX_PROJECTED_ATTRIBUTES,
} from '../../libs/upload-status/src/upload-listing';
import { PENDING_KEY_PREFIX } from '../../libs/upload-status/src/upload-record';

/** The `file-uploads` table as the apps need it: key `id`, and the owner index that lists uploads. */
export function uploadsTableDefinition(name: string): CreateTableCommandInput {
  return {
    TableName: name,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: 'id', AttributeType: 'S' },
      { AttributeName: OWNER_ATTRIBUTE, AttributeType: 'S' },
      { AttributeName: LIST_KEY_ATTRIBUTE, AttributeType: 'S' },
    ],
    KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    GlobalSecondaryIndexes: [
      {
        IndexName: OWNER_INDEX_NAME,
        KeySchema: [
          { AttributeName: OWNER_ATTRIBUTE, KeyType: 'HASH' },
          { AttributeName: LIST_KEY_ATTRIBUTE, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: [...OWNER_INDEX_PROJECTED_ATTRIBUTES] },
      },
    ],
  };
}

export function hasOwnerIndex(table: TableDescription | undefined): boolean {
  return table?.GlobalSecondaryIndexes?.some((index) => index.IndexName === OWNER_INDEX_NAME) ?? false;
}

/**
 * Brings a `file-uploads` table kept from a version without the owner index up to date, keeping
 * its items. dynalite cannot add an index to a table (UpdateTable ignores
 * GlobalSecondaryIndexUpdates), so the table is read whole, made again with the index, and
 * written back, each item given its list key so that earlier uploads are listed too.
 * @returns how many items were carried over
 */
export async function addOwnerIndex(
  dynamodb: DynamoDBClient,
  name: string,
  /** Polls `check` until it is true, failing after a deadline. */
  until: (check: () => Promise<boolean>, what: string) => Promise<void>,
): Promise<number> {
  const documents = DynamoDBDocumentClient.from(dynamodb);
  const items: Array<Record<string, unknown>> = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await documents.send(new ScanCommand({ TableName: name, ExclusiveStartKey: start }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start !== undefined);
  await dynamodb.send(new DeleteTableCommand({ TableName: name }));
  await until(async () => (await describeTable(dynamodb, name)) === undefined, `table ${name} to be deleted`);
  await dynamodb.send(new CreateTableCommand(uploadsTableDefinition(name)));
  await until(async () => (await describeTable(dynamodb, name))?.TableStatus === 'ACTIVE', `table ${name} to become ACTIVE`);
  const withKeys = items.map((item) => ({ ...item, ...listKeyFor(item) }));
  for (let i = 0; i < withKeys.length; i += 25) {
    const batch = withKeys.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    await documents.send(new BatchWriteCommand({ RequestItems: { [name]: batch } }));
  }
  return items.length;
}

function listKeyFor(item: Record<string, unknown>): { list_key?: string } {
  if (typeof item.accepted_at !== 'string' || typeof item.id !== 'string') return {};
  const uploadId = item.id.startsWith(PENDING_KEY_PREFIX) ? item.id.slice(PENDING_KEY_PREFIX.length) : item.id;
  return { list_key: listKeyOf(item.accepted_at, uploadId) };
}

export async function describeTable(dynamodb: DynamoDBClient, name: string): Promise<TableDescription | undefined> {
  try {
    return (await dynamodb.send(new DescribeTableCommand({ TableName: name }))).Table;
  } catch (error) {
    if ((error as Error).name === 'ResourceNotFoundException') return undefined;
    throw error;
  }
}
