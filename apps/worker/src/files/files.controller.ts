import { Controller, Logger, UseFilters } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import {
  ContractViolationError,
  FILE_UPLOADED,
  FILE_UPLOADED_VERSION,
  FileUploadedV1Schema,
  HEADER_PAYLOAD_VERSION,
  parseContract,
} from '@lib/contracts';
import { KinesisContext, KinesisExceptionFilter, KinesisPoisonRecordException, releaseConcurrencySlot } from '@lib/kinesis';
import { recordLogFields } from '../logging/record-log-fields';
import { FileEventRejectedError } from './file-event-rejected.error';
import { FileUploadProcessor } from './file-upload.processor';

/** Handles `file.uploaded` events: each one becomes an object in the bucket. */
@Controller()
// Errors reach ServerKinesis as thrown, so its retries and dead letters keep the real reason.
@UseFilters(KinesisExceptionFilter)
export class FilesController {
  private readonly logger = new Logger(FilesController.name);

  constructor(private readonly processor: FileUploadProcessor) {}

  /**
   * Validates the event against its contract and stores the file. Errors propagate to the
   * transport, which decides: a `KinesisRetriableException` (S3 or DynamoDB outage) keeps
   * the record for a later retry; a contract violation or integrity mismatch becomes a
   * `KinesisPoisonRecordException` and is dead-lettered at once; anything else (a bug)
   * spends the record's attempts and then ends in the dead letters.
   */
  @EventPattern(FILE_UPLOADED)
  async onFileUploaded(@Payload() data: unknown, @Ctx() context: KinesisContext): Promise<void> {
    const where = recordLogFields(data, context);
    try {
      const version = context.getHeaders()[HEADER_PAYLOAD_VERSION];
      if (version !== FILE_UPLOADED_VERSION) {
        throw new FileEventRejectedError(undefined, `payload-version "${version ?? ''}" is not ${FILE_UPLOADED_VERSION}`);
      }
      const event = parseContract(FILE_UPLOADED, FileUploadedV1Schema, data);
      // Once the object exists the shard may start its next record; the status write that
      // follows still holds this record's checkpoint and key (releaseConcurrencySlot).
      const outcome = await this.processor.process(event, context.getPacket().occurred_at, () => releaseConcurrencySlot(context));
      const msg = outcome === 'stored' ? `stored ${event.file_key} (${event.size} bytes)` : `not stored: upload deleted, ${event.file_key} erased`;
      this.logger.log({ msg, ...where });
    } catch (error) {
      // The message names the problem, never the file's bytes.
      const { name, message } = error instanceof Error ? error : new Error(String(error));
      this.logger.warn({ msg: `not stored (attempt ${context.getAttempt()}): ${name}: ${message}`, ...where });
      // An event that breaks its contract or its checksum fails the same way every time.
      if (error instanceof FileEventRejectedError || error instanceof ContractViolationError) {
        throw new KinesisPoisonRecordException(`${name}: ${message}`, { cause: error });
      }
      throw error;
    }
  }
}
