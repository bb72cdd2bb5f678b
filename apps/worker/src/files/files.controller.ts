import { Controller, Logger, UseFilters } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import {
  ContractViolationError,
  FILE_UPLOADED,
  FILE_UPLOADED_VERSION,
  FileUploadedV1Schema,
  HEADER_CORRELATION_ID,
  HEADER_PAYLOAD_VERSION,
  parseContract,
} from '@lib/contracts';
import { KinesisContext, KinesisExceptionFilter, KinesisPoisonRecordException } from '@lib/kinesis';
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
    const where = FilesController.describe(data, context);
    try {
      const version = context.getHeaders()[HEADER_PAYLOAD_VERSION];
      if (version !== FILE_UPLOADED_VERSION) {
        throw new FileEventRejectedError(undefined, `payload-version "${version ?? ''}" is not ${FILE_UPLOADED_VERSION}`);
      }
      const event = parseContract(FILE_UPLOADED, FileUploadedV1Schema, data);
      await this.processor.process(event, context.getPacket().occurred_at);
      this.logger.log(`stored ${event.file_key} (${event.size} bytes) ${where}`);
    } catch (error) {
      // The message names the problem, never the file's bytes.
      const { name, message } = error instanceof Error ? error : new Error(String(error));
      this.logger.warn(`not stored (attempt ${context.getAttempt()}): ${name}: ${message} ${where}`);
      // An event that breaks its contract or its checksum fails the same way every time.
      if (error instanceof FileEventRejectedError || error instanceof ContractViolationError) {
        throw new KinesisPoisonRecordException(`${name}: ${message}`, { cause: error });
      }
      throw error;
    }
  }

  /** The ids that let an operator follow one upload through the logs of every app. */
  private static describe(data: unknown, context: KinesisContext): string {
    const id = typeof data === 'object' && data !== null ? (data as { id?: unknown }).id : undefined;
    const upload = printable(typeof id === 'string' ? id : undefined);
    const correlation = printable(context.getHeaders()[HEADER_CORRELATION_ID]);
    return `upload=${upload} correlation=${correlation} shard=${context.getShardId()} seq=${context.getSequenceNumber()}`;
  }
}

/** Values from the record are untrusted: one short line, no control characters. */
function printable(value: string | undefined): string {
  return value === undefined ? '-' : value.replace(/[^\x21-\x7e]/g, '?').slice(0, 80);
}
