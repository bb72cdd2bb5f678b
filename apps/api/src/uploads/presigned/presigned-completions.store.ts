import { Inject, Injectable } from '@nestjs/common';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { appliedUnlessConditionFails, completionKeyOf, PENDING_ITEM_TTL_SECONDS, UPLOAD_STATUS_TABLE } from '@lib/upload-status';

/** What `complete` measured of the staged object: what its event carries. */
export interface StagedMeasurement {
  sha256: string;
  size: number;
  etag?: string;
}

/** The `completion#<id>` item (see `COMPLETION_KEY_PREFIX`). */
interface CompletionItem {
  id: string;
  /** The request measuring the staged object, until `measured` is set. */
  claimed_by: string;
  /** Epoch ms after which another request may take the claim over (its holder died). */
  claim_expires_at: number;
  measured?: StagedMeasurement;
  /** Epoch seconds; the table's TTL attribute. */
  expires_at: number;
}

/** What {@link PresignedCompletionsStore.claim} found. */
export type CompletionClaim = { kind: 'claimed' } | { kind: 'measured'; measured: StagedMeasurement } | { kind: 'busy'; until: number };

/**
 * The completion markers of presigned uploads, in the uploads table: the first `complete` of an
 * upload claims it (a conditional put), reads and hashes the staged object, and records what it
 * measured; every other `complete`, on any api instance, at the same time or later, uses that
 * measurement instead of reading the staged bytes again.
 */
@Injectable()
export class PresignedCompletionsStore {
  constructor(
    private readonly dynamodb: DynamoDBDocumentClient,
    @Inject(UPLOAD_STATUS_TABLE) private readonly tableName: string,
  ) {}

  /**
   * Claims the measurement of the upload for `requestId` for `leaseMs`, unless it is measured
   * already or another live claim holds it.
   */
  async claim(id: string, requestId: string, leaseMs: number): Promise<CompletionClaim> {
    const now = Date.now();
    const item: CompletionItem = {
      id: completionKeyOf(id),
      claimed_by: requestId,
      claim_expires_at: now + leaseMs,
      expires_at: Math.floor(now / 1000) + PENDING_ITEM_TTL_SECONDS,
    };
    const claimed = await appliedUnlessConditionFails(
      this.dynamodb.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          // A claim whose holder never finished (a crash) can be taken over once it expires.
          ConditionExpression: 'attribute_not_exists(id) OR (attribute_not_exists(measured) AND claim_expires_at < :now)',
          ExpressionAttributeValues: { ':now': now },
        }),
      ),
    );
    if (claimed) return { kind: 'claimed' };
    const current = await this.read(id);
    if (current?.measured !== undefined) return { kind: 'measured', measured: current.measured };
    return { kind: 'busy', until: current?.claim_expires_at ?? now };
  }

  /** The measurement, once recorded by whoever held the claim. */
  async measured(id: string): Promise<StagedMeasurement | undefined> {
    return (await this.read(id))?.measured;
  }

  async recordMeasured(id: string, requestId: string, measured: StagedMeasurement): Promise<void> {
    await this.dynamodb.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          id: completionKeyOf(id),
          claimed_by: requestId,
          claim_expires_at: Date.now(),
          measured,
          expires_at: Math.floor(Date.now() / 1000) + PENDING_ITEM_TTL_SECONDS,
        } satisfies CompletionItem,
      }),
    );
  }

  /** Gives up this request's claim, measured nothing; another's claim or a measurement stays. */
  async release(id: string, requestId: string): Promise<void> {
    await appliedUnlessConditionFails(
      this.dynamodb.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { id: completionKeyOf(id) },
          ConditionExpression: 'claimed_by = :me AND attribute_not_exists(measured)',
          ExpressionAttributeValues: { ':me': requestId },
        }),
      ),
    );
  }

  private async read(id: string): Promise<CompletionItem | undefined> {
    const { Item } = await this.dynamodb.send(new GetCommand({ TableName: this.tableName, Key: { id: completionKeyOf(id) }, ConsistentRead: true }));
    return Item as CompletionItem | undefined;
  }
}
