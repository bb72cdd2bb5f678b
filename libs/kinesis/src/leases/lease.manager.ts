import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  PutCommand,
  ScanCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { LeaseLostError } from '../errors/lease-lost.error';
import { LeaseAttributes as A, type Lease } from './lease';

export interface LeaseManagerOptions {
  dynamodb: DynamoDBDocumentClient;
  tableName: string;
  streamName: string;
  workerId: string;
  leaseDurationMs: number;
  now?: () => number;
}

const isConditionFailure = (error: unknown): boolean =>
  error instanceof ConditionalCheckFailedException ||
  (error as { name?: string })?.name === 'ConditionalCheckFailedException';

/**
 * Every read and conditional write of the lease table. Writes that act on a held lease are
 * conditional on owner and counter, so a worker that lost its lease (a zombie) can neither
 * renew it nor move its checkpoint: the condition fails and it learns it lost the lease.
 */
export class LeaseManager {
  private readonly now: () => number;

  constructor(private readonly options: LeaseManagerOptions) {
    this.now = options.now ?? Date.now;
  }

  get workerId(): string {
    return this.options.workerId;
  }

  keyOf(shardId: string): string {
    return `${this.options.streamName}/${shardId}`;
  }

  /** All leases of this stream (the table may be shared by several streams). */
  async list(): Promise<Lease[]> {
    const leases: Lease[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.options.dynamodb.send(
        new ScanCommand({
          TableName: this.options.tableName,
          ConsistentRead: true,
          FilterExpression: 'begins_with(#key, :prefix)',
          ExpressionAttributeNames: { '#key': A.key },
          ExpressionAttributeValues: { ':prefix': `${this.options.streamName}/` },
          ExclusiveStartKey: startKey,
        }),
      );
      leases.push(...(page.Items ?? []).map(toLease));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return leases;
  }

  /** Creates a free lease for a new shard; a lease that already exists is left alone. */
  async create(shardId: string, parentShardIds: string[]): Promise<void> {
    try {
      await this.options.dynamodb.send(
        new PutCommand({
          TableName: this.options.tableName,
          Item: {
            [A.key]: this.keyOf(shardId),
            [A.shardId]: shardId,
            [A.counter]: 0,
            [A.expiresAt]: 0,
            [A.parents]: parentShardIds,
          },
          ConditionExpression: 'attribute_not_exists(#key)',
          ExpressionAttributeNames: { '#key': A.key },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  /**
   * Takes a lease seen free or expired. The write is conditional on the counter seen, so
   * of two workers racing for it exactly one wins; the loser gets `undefined`.
   */
  async take(seen: Lease): Promise<Lease | undefined> {
    try {
      return await this.write(seen, 'SET #owner = :me, #counter = :next, #expires = :expires REMOVE #pending', {
        condition: '#counter = :seen',
        values: { ':me': this.workerId, ':seen': seen.counter },
      });
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }

  /** Extends a held lease; throws {@link LeaseLostError} when it is no longer ours. */
  async renew(held: Lease): Promise<Lease> {
    return this.guarded(held, () =>
      this.write(held, 'SET #counter = :next, #expires = :expires', this.heldCondition(held)),
    );
  }

  /** Moves the checkpoint of a held lease; throws {@link LeaseLostError} when it is not ours. */
  async checkpoint(held: Lease, checkpoint: string): Promise<Lease> {
    return this.guarded(held, async () => {
      const condition = this.heldCondition(held);
      await this.options.dynamodb.send(
        new UpdateCommand({
          TableName: this.options.tableName,
          Key: { [A.key]: held.leaseKey },
          UpdateExpression: 'SET #checkpoint = :checkpoint',
          ConditionExpression: condition.condition,
          ExpressionAttributeNames: { '#owner': A.owner, '#counter': A.counter, '#checkpoint': A.checkpoint },
          ExpressionAttributeValues: { ...condition.values, ':checkpoint': checkpoint },
        }),
      );
      return { ...held, checkpoint };
    });
  }

  /** Gives a held lease back (free at once for any worker); a lease already lost is ignored. */
  async release(held: Lease): Promise<void> {
    try {
      const condition = this.heldCondition(held);
      await this.options.dynamodb.send(
        new UpdateCommand({
          TableName: this.options.tableName,
          Key: { [A.key]: held.leaseKey },
          UpdateExpression: 'REMOVE #owner, #pending SET #counter = :next, #expires = :zero',
          ConditionExpression: condition.condition,
          ExpressionAttributeNames: {
            '#owner': A.owner,
            '#counter': A.counter,
            '#expires': A.expiresAt,
            '#pending': A.pendingOwner,
          },
          ExpressionAttributeValues: { ...condition.values, ':next': held.counter + 1, ':zero': 0 },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  /**
   * Asks the holder of `lease` to hand it over to this worker (graceful balancing). Only one
   * request may stand per lease; the holder's counter is left alone, so its checkpoints keep
   * working until it hands over. @returns false when another request stands or the holder changed.
   */
  async requestHandoff(lease: Lease): Promise<boolean> {
    try {
      await this.options.dynamodb.send(
        new UpdateCommand({
          TableName: this.options.tableName,
          Key: { [A.key]: lease.leaseKey },
          UpdateExpression: 'SET #pending = :me',
          ConditionExpression: '#owner = :owner AND attribute_not_exists(#pending)',
          ExpressionAttributeNames: { '#owner': A.owner, '#pending': A.pendingOwner },
          ExpressionAttributeValues: { ':me': this.workerId, ':owner': lease.owner },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /**
   * The holder's side of a handoff, after its last checkpoint: the lease passes to the
   * worker that asked for it, with a fresh expiry so no third worker takes it meanwhile.
   * A lease already lost is ignored.
   */
  async handOver(held: Lease): Promise<void> {
    if (held.pendingOwner === undefined) return this.release(held);
    try {
      const condition = this.heldCondition(held);
      await this.options.dynamodb.send(
        new UpdateCommand({
          TableName: this.options.tableName,
          Key: { [A.key]: held.leaseKey },
          UpdateExpression: 'SET #owner = :successor, #counter = :next, #expires = :expires REMOVE #pending',
          ConditionExpression: `${condition.condition} AND #pending = :successor`,
          ExpressionAttributeNames: {
            '#owner': A.owner,
            '#counter': A.counter,
            '#expires': A.expiresAt,
            '#pending': A.pendingOwner,
          },
          ExpressionAttributeValues: {
            ...condition.values,
            ':successor': held.pendingOwner,
            ':next': held.counter + 1,
            ':expires': this.now() + this.options.leaseDurationMs,
          },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  /**
   * Moves a shard's checkpoint for a replay, safely while workers run: a lease nobody holds
   * (free, expired, or a finished shard) gets the new checkpoint at once, conditional on the
   * counter seen (a worker taking it meanwhile makes this fail, and the caller retries); a held
   * one gets a request its holder applies after its in-flight records.
   * @returns 'applied', 'requested', or 'raced' when the lease changed under us
   */
  async requestReset(lease: Lease, checkpoint: string): Promise<'applied' | 'requested' | 'raced'> {
    const held = lease.owner !== undefined && lease.expiresAt > this.now();
    try {
      await this.options.dynamodb.send(
        new UpdateCommand({
          TableName: this.options.tableName,
          Key: { [A.key]: lease.leaseKey },
          ...(held
            ? {
                UpdateExpression: 'SET #reset = :checkpoint',
                ConditionExpression: '#owner = :owner',
                ExpressionAttributeNames: { '#reset': A.resetTo, '#owner': A.owner },
                ExpressionAttributeValues: { ':checkpoint': checkpoint, ':owner': lease.owner },
              }
            : {
                UpdateExpression: 'SET #checkpoint = :checkpoint, #counter = :next REMOVE #reset',
                ConditionExpression: '#counter = :seen',
                ExpressionAttributeNames: { '#checkpoint': A.checkpoint, '#counter': A.counter, '#reset': A.resetTo },
                ExpressionAttributeValues: { ':checkpoint': checkpoint, ':seen': lease.counter, ':next': lease.counter + 1 },
              }),
        }),
      );
      return held ? 'requested' : 'applied';
    } catch (error) {
      if (isConditionFailure(error)) return 'raced';
      throw error;
    }
  }

  /** The holder's side of a reset: the requested checkpoint replaces its own. */
  async applyReset(held: Lease): Promise<Lease> {
    if (held.resetTo === undefined) return held;
    const resetTo = held.resetTo;
    return this.guarded(held, async () => {
      const condition = this.heldCondition(held);
      await this.options.dynamodb.send(
        new UpdateCommand({
          TableName: this.options.tableName,
          Key: { [A.key]: held.leaseKey },
          UpdateExpression: 'SET #checkpoint = :reset REMOVE #resetTo',
          ConditionExpression: condition.condition,
          ExpressionAttributeNames: { '#owner': A.owner, '#counter': A.counter, '#checkpoint': A.checkpoint, '#resetTo': A.resetTo },
          ExpressionAttributeValues: { ...condition.values, ':reset': resetTo },
        }),
      );
      return { ...held, checkpoint: resetTo, resetTo: undefined };
    });
  }

  /** Whether another worker may take this lease now. */
  isAvailable(lease: Lease): boolean {
    return lease.owner === undefined || lease.expiresAt <= this.now() || lease.owner === this.workerId;
  }

  private heldCondition(held: Lease) {
    return {
      condition: '#owner = :me AND #counter = :seen',
      values: { ':me': this.workerId, ':seen': held.counter },
    };
  }

  private async write(
    lease: Lease,
    update: string,
    { condition, values }: { condition: string; values: Record<string, unknown> },
  ): Promise<Lease> {
    const result = await this.options.dynamodb.send(
      new UpdateCommand({
        TableName: this.options.tableName,
        Key: { [A.key]: lease.leaseKey },
        UpdateExpression: update,
        ConditionExpression: condition,
        ExpressionAttributeNames: {
          '#owner': A.owner,
          '#counter': A.counter,
          '#expires': A.expiresAt,
          ...(update.includes('#pending') ? { '#pending': A.pendingOwner } : {}),
        },
        ExpressionAttributeValues: {
          ...values,
          ':next': lease.counter + 1,
          ':expires': this.now() + this.options.leaseDurationMs,
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return toLease(result.Attributes ?? {});
  }

  private async guarded<T>(held: Lease, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if (isConditionFailure(error)) throw new LeaseLostError(held.shardId, { cause: error });
      throw error;
    }
  }
}

function toLease(item: Record<string, unknown>): Lease {
  return {
    leaseKey: String(item[A.key]),
    shardId: String(item[A.shardId]),
    owner: typeof item[A.owner] === 'string' ? (item[A.owner] as string) : undefined,
    counter: Number(item[A.counter] ?? 0),
    expiresAt: Number(item[A.expiresAt] ?? 0),
    checkpoint: typeof item[A.checkpoint] === 'string' ? (item[A.checkpoint] as string) : undefined,
    parentShardIds: Array.isArray(item[A.parents]) ? (item[A.parents] as string[]) : [],
    pendingOwner: typeof item[A.pendingOwner] === 'string' ? (item[A.pendingOwner] as string) : undefined,
    resetTo: typeof item[A.resetTo] === 'string' ? (item[A.resetTo] as string) : undefined,
  };
}
