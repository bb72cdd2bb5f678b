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
    const item = await this.update(seen, 'SET #owner = :me, #counter = :next, #expires = :expires REMOVE #pending', '#counter = :seen', {
      ':me': this.workerId,
      ':seen': seen.counter,
      ...this.bumped(seen),
    });
    return item && toLease(item);
  }

  /** Extends a held lease; throws {@link LeaseLostError} when it is no longer ours. */
  async renew(held: Lease): Promise<Lease> {
    const item = await this.update(held, 'SET #counter = :next, #expires = :expires', HELD, { ...this.heldValues(held), ...this.bumped(held) });
    if (!item) throw new LeaseLostError(held.shardId);
    return toLease(item);
  }

  /**
   * Moves the checkpoint of a held lease, with the checkpointed record's arrival time when
   * known; throws {@link LeaseLostError} when it is not ours.
   */
  async checkpoint(held: Lease, checkpoint: string, arrivalMs?: number): Promise<Lease> {
    const item =
      arrivalMs === undefined
        ? await this.update(held, 'SET #checkpoint = :checkpoint REMOVE #arrival', HELD, { ...this.heldValues(held), ':checkpoint': checkpoint })
        : await this.update(held, 'SET #checkpoint = :checkpoint, #arrival = :arrival', HELD, {
            ...this.heldValues(held),
            ':checkpoint': checkpoint,
            ':arrival': arrivalMs,
          });
    if (!item) throw new LeaseLostError(held.shardId);
    return { ...held, checkpoint, checkpointArrivalMs: arrivalMs };
  }

  /** Gives a held lease back (free at once for any worker); a lease already lost is ignored. */
  async release(held: Lease): Promise<void> {
    await this.update(held, 'REMOVE #owner, #pending SET #counter = :next, #expires = :zero', HELD, {
      ...this.heldValues(held),
      ':next': held.counter + 1,
      ':zero': 0,
    });
  }

  /**
   * Asks the holder of `lease` to hand it over to this worker (graceful balancing). Only one
   * request may stand per lease; the holder's counter is left alone, so its checkpoints keep
   * working until it hands over. @returns false when another request stands or the holder changed.
   */
  async requestHandoff(lease: Lease): Promise<boolean> {
    const item = await this.update(lease, 'SET #pending = :me', '#owner = :owner AND attribute_not_exists(#pending)', {
      ':me': this.workerId,
      ':owner': lease.owner,
    });
    return item !== undefined;
  }

  /**
   * The holder's side of a handoff, after its last checkpoint: the lease passes to the
   * worker that asked for it, with a fresh expiry so no third worker takes it meanwhile.
   * A lease already lost is ignored.
   */
  async handOver(held: Lease): Promise<void> {
    if (held.pendingOwner === undefined) return this.release(held);
    await this.update(held, 'SET #owner = :successor, #counter = :next, #expires = :expires REMOVE #pending', `${HELD} AND #pending = :successor`, {
      ...this.heldValues(held),
      ':successor': held.pendingOwner,
      ...this.bumped(held),
    });
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
    const item = held
      ? await this.update(lease, 'SET #reset = :checkpoint', '#owner = :owner', { ':checkpoint': checkpoint, ':owner': lease.owner })
      : await this.update(lease, 'SET #checkpoint = :checkpoint, #counter = :next REMOVE #reset, #arrival', '#counter = :seen', {
          ':checkpoint': checkpoint,
          ':seen': lease.counter,
          ':next': lease.counter + 1,
        });
    if (item === undefined) return 'raced';
    return held ? 'requested' : 'applied';
  }

  /** The holder's side of a reset: the requested checkpoint replaces its own. */
  async applyReset(held: Lease): Promise<Lease> {
    if (held.resetTo === undefined) return held;
    const item = await this.update(held, 'SET #checkpoint = :reset REMOVE #reset, #arrival', HELD, { ...this.heldValues(held), ':reset': held.resetTo });
    if (!item) throw new LeaseLostError(held.shardId);
    return { ...held, checkpoint: held.resetTo, checkpointArrivalMs: undefined, resetTo: undefined };
  }

  /** Whether another worker may take this lease now. */
  isAvailable(lease: Lease): boolean {
    return lease.owner === undefined || lease.expiresAt <= this.now() || lease.owner === this.workerId;
  }

  /** The values of {@link HELD}: this worker, and the counter it last saw. */
  private heldValues(held: Lease): Record<string, unknown> {
    return { ':me': this.workerId, ':seen': held.counter };
  }

  /** A new counter (the fencing token) and a fresh expiry. */
  private bumped(lease: Lease): Record<string, unknown> {
    return { ':next': lease.counter + 1, ':expires': this.now() + this.options.leaseDurationMs };
  }

  /**
   * One conditional update of a lease item (every write of a lease is one).
   * @returns its attributes after the update, or undefined when the condition failed
   */
  private async update(
    lease: Lease,
    update: string,
    condition: string,
    values: Record<string, unknown>,
  ): Promise<Record<string, unknown> | undefined> {
    try {
      const result = await this.options.dynamodb.send(
        new UpdateCommand({
          TableName: this.options.tableName,
          Key: { [A.key]: lease.leaseKey },
          UpdateExpression: update,
          ConditionExpression: condition,
          ExpressionAttributeNames: attributeNamesIn(update, condition),
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return result.Attributes ?? {};
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }
}

/** The condition of every write a holder makes: the lease is still this worker's, unchanged. */
const HELD = '#owner = :me AND #counter = :seen';

/** The placeholders lease expressions use, and the attributes they stand for. */
const PLACEHOLDERS: Record<string, string> = {
  '#owner': A.owner,
  '#counter': A.counter,
  '#expires': A.expiresAt,
  '#checkpoint': A.checkpoint,
  '#arrival': A.checkpointArrival,
  '#pending': A.pendingOwner,
  '#reset': A.resetTo,
};

/** The names of exactly the placeholders used: DynamoDB refuses unused ones. */
function attributeNamesIn(...expressions: string[]): Record<string, string> {
  const names: Record<string, string> = {};
  for (const expression of expressions) {
    for (const [placeholder] of expression.matchAll(/#\w+/g)) names[placeholder] = PLACEHOLDERS[placeholder];
  }
  return names;
}

function toLease(item: Record<string, unknown>): Lease {
  return {
    leaseKey: String(item[A.key]),
    shardId: String(item[A.shardId]),
    owner: typeof item[A.owner] === 'string' ? (item[A.owner] as string) : undefined,
    counter: Number(item[A.counter] ?? 0),
    expiresAt: Number(item[A.expiresAt] ?? 0),
    checkpoint: typeof item[A.checkpoint] === 'string' ? (item[A.checkpoint] as string) : undefined,
    checkpointArrivalMs: typeof item[A.checkpointArrival] === 'number' ? (item[A.checkpointArrival] as number) : undefined,
    parentShardIds: Array.isArray(item[A.parents]) ? (item[A.parents] as string[]) : [],
    pendingOwner: typeof item[A.pendingOwner] === 'string' ? (item[A.pendingOwner] as string) : undefined,
    resetTo: typeof item[A.resetTo] === 'string' ? (item[A.resetTo] as string) : undefined,
  };
}
