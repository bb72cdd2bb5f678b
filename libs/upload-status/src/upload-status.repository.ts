import { Inject, Injectable } from '@nestjs/common';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { STATUS_RANK, type UploadFacts, type UploadRecord, type UploadStatus } from './upload-record';

export const UPLOAD_STATUS_TABLE = Symbol('UPLOAD_STATUS_TABLE');

/**
 * The `file-uploads` table, shared by every api instance and every worker. Each write carries
 * the whole record, so whichever of the api (`pending`) and the worker (`stored`/`failed`)
 * gets there first, the item is complete; the condition on `status_rank` keeps a status from
 * moving backwards.
 */
@Injectable()
export class UploadStatusRepository {
  constructor(
    private readonly dynamodb: DynamoDBDocumentClient,
    @Inject(UPLOAD_STATUS_TABLE) private readonly tableName: string,
  ) {}

  /** Records an accepted upload; never overwrites an item that exists. */
  recordPending(facts: UploadFacts): Promise<boolean> {
    return this.write(facts, 'pending');
  }

  recordStored(facts: UploadFacts): Promise<boolean> {
    return this.write(facts, 'stored');
  }

  recordFailed(facts: UploadFacts, reason: string): Promise<boolean> {
    return this.write(facts, 'failed', reason);
  }

  /**
   * Removes a `pending` item whose event never reached the stream (the client got a 503), so
   * the upload does not look accepted. A later status is left alone: if the event did land
   * after all (a timed-out call Kinesis applied), the worker's `stored` stands.
   * @returns false when there was no pending item to remove.
   */
  async withdrawPending(id: string): Promise<boolean> {
    try {
      await this.dynamodb.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { id },
          ConditionExpression: 'status_rank = :pending',
          ExpressionAttributeValues: { ':pending': STATUS_RANK.pending },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /**
   * Turns an upload, as read with {@link find}, into a `deleted` tombstone: the highest
   * status, so no later write of another status brings it back. The client-chosen file name
   * goes with the file. A conditional put of the whole item (an upload's facts never change),
   * so the worker needs no permission beyond the `PutItem` it has.
   * @returns false when the item is gone, is another owner's, or is deleted already.
   */
  async recordDeleted(upload: UploadRecord): Promise<boolean> {
    const { original_name: _name, failure_reason: _reason, ...facts } = upload;
    try {
      await this.dynamodb.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...facts, status: 'deleted', status_rank: STATUS_RANK.deleted, updated_at: new Date().toISOString() } satisfies UploadRecord,
          ConditionExpression: 'attribute_exists(id) AND owner_sub = :owner AND status_rank < :rank',
          ExpressionAttributeValues: { ':owner': upload.owner_sub, ':rank': STATUS_RANK.deleted },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async find(id: string): Promise<UploadRecord | undefined> {
    const { Item } = await this.dynamodb.send(
      new GetCommand({ TableName: this.tableName, Key: { id }, ConsistentRead: true }),
    );
    return Item as UploadRecord | undefined;
  }

  /** @returns false when the item already holds this status or a later one. */
  private async write(facts: UploadFacts, status: UploadStatus, reason?: string): Promise<boolean> {
    const item: UploadRecord = {
      ...facts,
      status,
      status_rank: STATUS_RANK[status],
      updated_at: new Date().toISOString(),
      failure_reason: reason,
    };
    try {
      await this.dynamodb.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ConditionExpression: 'attribute_not_exists(id) OR status_rank < :rank',
          ExpressionAttributeValues: { ':rank': item.status_rank },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
