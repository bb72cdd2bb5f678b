import { BatchGetCommand, type BatchGetCommandOutput, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** BatchGetItem takes at most 100 keys per call. */
const BATCH_GET_MAX = 100;
const POLL_MS = 250;

/**
 * When the worker recorded each upload as stored: `updated_at` of its `stored` item in the
 * `file-uploads` table. The worker takes that time right after PutObject succeeds (the
 * batched status write goes out a moment later), so it marks "object in S3". Polls until
 * every id is stored or the deadline passes; returns the times found (epoch ms) by id.
 */
export async function readStoredTimes(
  dynamodb: DynamoDBDocumentClient,
  table: string,
  ids: readonly string[],
  timeoutMs: number,
): Promise<Map<string, number>> {
  const storedAt = new Map<string, number>();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const waiting = ids.filter((id) => !storedAt.has(id));
    for (let start = 0; start < waiting.length; start += BATCH_GET_MAX) {
      let keys: Array<Record<string, unknown>> | undefined = waiting.slice(start, start + BATCH_GET_MAX).map((id) => ({ id }));
      while (keys && keys.length > 0) {
        const output: BatchGetCommandOutput = await dynamodb.send(
          new BatchGetCommand({
            RequestItems: {
              [table]: { Keys: keys, ProjectionExpression: 'id, #status, updated_at', ExpressionAttributeNames: { '#status': 'status' } },
            },
          }),
        );
        for (const item of output.Responses?.[table] ?? []) {
          if (item.status === 'stored') storedAt.set(item.id as string, Date.parse(item.updated_at as string));
        }
        keys = output.UnprocessedKeys?.[table]?.Keys;
      }
    }
    if (storedAt.size === ids.length || Date.now() > deadline) return storedAt;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
