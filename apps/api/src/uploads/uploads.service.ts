import { createHash, randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { lastValueFrom } from 'rxjs';
import {
  FILE_UPLOADED,
  FILE_UPLOADED_VERSION,
  FileUploadedV1Schema,
  HEADER_CORRELATION_ID,
  HEADER_PAYLOAD_VERSION,
  parseContract,
  type FileUploadedV1,
} from '@lib/contracts';
import { ClientKinesis, KinesisRecordBuilder } from '@lib/kinesis';
import { UploadStatusRepository, uploadFactsFrom } from '@lib/upload-status';
import type { CognitoPrincipal } from '../auth';
import { fileExtension, safeFileName } from './file-naming';
import type { AcceptedUpload, IncomingFile } from './incoming-file';

/**
 * Accepts uploads: one `file.uploaded` event per file, carrying the bytes inline. An upload
 * counts as accepted only once Kinesis holds its event; the `pending` status written after
 * that is a courtesy for `GET /uploads/:id` (the worker writes the whole record too).
 */
@Injectable()
export class UploadsService {
  private readonly logger = new Logger(UploadsService.name);

  constructor(
    private readonly events: ClientKinesis,
    private readonly statuses: UploadStatusRepository,
  ) {}

  /**
   * @throws ContractViolationError when the upload does not make a valid event
   * @throws KinesisPublishError / RecordTooLargeError when the stream did not take it
   */
  async accept(file: IncomingFile, owner: CognitoPrincipal, correlationId: string): Promise<AcceptedUpload> {
    const event = this.describe(file, owner);
    const record = new KinesisRecordBuilder(event)
      .setHeaders({ [HEADER_PAYLOAD_VERSION]: FILE_UPLOADED_VERSION, [HEADER_CORRELATION_ID]: correlationId })
      .setPartitionKey(event.id)
      .build();
    await lastValueFrom(this.events.emit(FILE_UPLOADED, record));
    await this.recordPending(event);
    return { id: event.id, file_key: event.file_key };
  }

  private describe(file: IncomingFile, owner: CognitoPrincipal): FileUploadedV1 {
    const id = randomUUID();
    return parseContract(FILE_UPLOADED, FileUploadedV1Schema, {
      id,
      file_key: `uploads/${id}.${fileExtension(file.name, file.contentType)}`,
      owner: { sub: owner.sub, username: owner.username },
      content_type: file.contentType,
      size: file.bytes.length,
      sha256: createHash('sha256').update(file.bytes).digest('hex'),
      original_name: safeFileName(file.name),
      body: { kind: 'inline', data_base64: file.bytes.toString('base64') },
    });
  }

  /** A failure here is logged, not thrown: the event is durably in the stream already. */
  private async recordPending(event: FileUploadedV1): Promise<void> {
    const facts = uploadFactsFrom(event, new Date().toISOString());
    try {
      await this.statuses.recordPending(facts);
    } catch (error) {
      this.logger.error(`upload ${event.id} is in the stream but its pending status was not written: ${String(error)}`);
    }
  }
}
