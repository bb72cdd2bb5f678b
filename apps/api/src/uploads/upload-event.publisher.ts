import { Inject, Injectable, Logger } from '@nestjs/common';
import { lastValueFrom } from 'rxjs';
import {
  FILE_UPLOADED,
  FILE_UPLOADED_VERSION,
  HEADER_CORRELATION_ID,
  HEADER_PAYLOAD_VERSION,
  type FileUploadedV1,
} from '@lib/contracts';
import { ClientKinesis, KinesisRecordBuilder } from '@lib/kinesis';
import { UploadStatusBatcher, UploadStatusRepository, uploadFactsFrom } from '@lib/upload-status';
import { apiConfig, type ApiConfig } from '../config';
import type { AcceptedUpload } from './accepted-upload';
import { uploadPartitionKey } from './upload-partition-key';

/**
 * Puts a `file.uploaded` event into the stream, with the upload's `pending` status around it:
 *
 * 1. `pending` is written *before* the event exists, so no worker can have written a later
 *    status yet. For a brand-new id the write needs no condition and shares `BatchWriteItem`
 *    calls with other uploads (`UploadStatusBatcher`); an id that may have been published
 *    before (a presigned upload completed twice) gets the conditional, never-overwriting put.
 *    A failed write is logged, not fatal: the worker writes the whole record when it stores.
 * 2. The event is emitted; the promise settles once Kinesis holds it (or it is given up).
 * 3. If it was given up, the `pending` item is withdrawn (only while still pending), so a
 *    client told 503 never sees its upload as accepted.
 */
@Injectable()
export class UploadEventPublisher {
  private readonly logger = new Logger(UploadEventPublisher.name);

  constructor(
    private readonly events: ClientKinesis,
    private readonly pendingWrites: UploadStatusBatcher,
    private readonly statuses: UploadStatusRepository,
    @Inject(apiConfig.KEY) private readonly config: ApiConfig,
  ) {}

  /**
   * @param newUpload the id was minted for this request and never published before
   * @throws KinesisPublishError / RecordTooLargeError when the stream did not take the event
   */
  async publish(event: FileUploadedV1, correlationId: string, newUpload: boolean): Promise<AcceptedUpload> {
    await this.recordPending(event, newUpload);
    const record = new KinesisRecordBuilder(event)
      .setHeaders({ [HEADER_PAYLOAD_VERSION]: FILE_UPLOADED_VERSION, [HEADER_CORRELATION_ID]: correlationId })
      .setPartitionKey(this.partitionKeyOf(event))
      .build();
    try {
      await lastValueFrom(this.events.emit(FILE_UPLOADED, record));
    } catch (error) {
      await this.withdrawPending(event.id);
      throw error;
    }
    // The line an operator starts from: the worker's "stored" line carries the same correlationId,
    // which is the request's id. requestId comes from the request context (LoggingModule): naming
    // it here too would write the key twice.
    this.logger.log({ msg: 'upload accepted', uploadId: event.id, fileKey: event.file_key, size: event.size, body: event.body.kind, correlationId });
    return { id: event.id, file_key: event.file_key };
  }

  /** The upload id spreads uploads over the shards; the owner keeps one user's uploads on one shard. */
  private partitionKeyOf(event: FileUploadedV1): string {
    return uploadPartitionKey(this.config.publisher.partitionKey, { id: event.id, ownerSub: event.owner.sub });
  }

  private async recordPending(event: FileUploadedV1, newUpload: boolean): Promise<void> {
    const facts = uploadFactsFrom(event, new Date().toISOString());
    try {
      if (newUpload) await this.pendingWrites.write(facts, 'pending');
      else await this.statuses.recordPending(facts);
    } catch (error) {
      this.logger.warn(`upload ${event.id}: pending status not written (the worker's will be): ${String(error)}`);
    }
  }

  private async withdrawPending(id: string): Promise<void> {
    try {
      await this.statuses.withdrawPending(id);
    } catch (error) {
      this.logger.warn(`upload ${id}: its event was refused and its pending status could not be withdrawn: ${String(error)}`);
    }
  }
}
