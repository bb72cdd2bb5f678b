import { Controller, Logger, UseFilters } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import {
  ContractViolationError,
  FILE_DELETION_REQUESTED,
  FILE_DELETION_REQUESTED_VERSION,
  FileDeletionRequestedV1Schema,
  HEADER_PAYLOAD_VERSION,
  parseContract,
} from '@lib/contracts';
import { KinesisContext, KinesisExceptionFilter, KinesisPoisonRecordException } from '@lib/kinesis';
import { recordLogFields } from '../logging/record-log-fields';
import { DeletionRejectedError } from './deletion-rejected.error';
import { UploadDeletionProcessor } from './upload-deletion.processor';

/** Handles `file.deletion-requested` events: each one removes an upload's file. */
@Controller()
// Errors reach ServerKinesis as thrown, so its retries and dead letters keep the real reason.
@UseFilters(KinesisExceptionFilter)
export class DeletionsController {
  private readonly logger = new Logger(DeletionsController.name);

  constructor(private readonly processor: UploadDeletionProcessor) {}

  /**
   * Validates the event against its contract and deletes the file. A broken contract or a
   * mismatched owner becomes a `KinesisPoisonRecordException` (dead-lettered at once); an
   * outage a `KinesisRetriableException` (retried, never skipped); anything else spends the
   * record's attempts.
   */
  @EventPattern(FILE_DELETION_REQUESTED)
  async onDeletionRequested(@Payload() data: unknown, @Ctx() context: KinesisContext): Promise<void> {
    const where = recordLogFields(data, context);
    try {
      const version = context.getHeaders()[HEADER_PAYLOAD_VERSION];
      if (version !== FILE_DELETION_REQUESTED_VERSION) {
        throw new DeletionRejectedError(`payload-version "${version ?? ''}" is not ${FILE_DELETION_REQUESTED_VERSION}`);
      }
      const event = parseContract(FILE_DELETION_REQUESTED, FileDeletionRequestedV1Schema, data);
      const outcome = await this.processor.process(event);
      this.logger.log({ msg: `deleted ${event.file_key} (${outcome})`, ...where });
    } catch (error) {
      const { name, message } = error instanceof Error ? error : new Error(String(error));
      this.logger.warn({ msg: `not deleted (attempt ${context.getAttempt()}): ${name}: ${message}`, ...where });
      if (error instanceof DeletionRejectedError || error instanceof ContractViolationError) {
        throw new KinesisPoisonRecordException(`${name}: ${message}`, { cause: error });
      }
      throw error;
    }
  }
}
