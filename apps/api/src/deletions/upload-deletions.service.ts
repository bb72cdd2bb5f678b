import { Inject, Injectable, Logger } from '@nestjs/common';
import { lastValueFrom } from 'rxjs';
import {
  FILE_DELETION_REQUESTED,
  FILE_DELETION_REQUESTED_VERSION,
  FileDeletionRequestedV1Schema,
  HEADER_CORRELATION_ID,
  HEADER_PAYLOAD_VERSION,
  parseContract,
} from '@lib/contracts';
import { ClientKinesis, KinesisRecordBuilder } from '@lib/kinesis';
import type { CognitoPrincipal } from '../auth';
import { apiConfig, type ApiConfig } from '../config';
import { uploadPartitionKey } from '../uploads/upload-partition-key';
import { UploadsQueryService } from '../uploads/uploads-query.service';

/** What a deletion request came to. */
export type DeletionRequest =
  | { kind: 'missing' }
  | { kind: 'deleted-already' }
  | { kind: 'requested'; id: string; eventId: string };

/**
 * Asks the worker to delete an upload: one `file.deletion-requested` event, published through
 * the app's one `ClientKinesis` (batching, retries, deadline, bounded queue), so a request
 * counts only once Kinesis holds the event. The worker does the deleting; the status moves to
 * `deleted` when it is done.
 */
@Injectable()
export class UploadDeletionsService {
  private readonly logger = new Logger(UploadDeletionsService.name);

  constructor(
    private readonly uploads: UploadsQueryService,
    private readonly events: ClientKinesis,
    @Inject(apiConfig.KEY) private readonly config: ApiConfig,
  ) {}

  /**
   * @throws KinesisPublishError when the stream did not take the event
   */
  async request(id: string, user: CognitoPrincipal, correlationId: string): Promise<DeletionRequest> {
    // Someone else's upload and an unknown id look the same: "missing".
    const upload = await this.uploads.findOwned(id, user.sub);
    if (upload === undefined) return { kind: 'missing' };
    if (upload.status === 'deleted') return { kind: 'deleted-already' };
    const event = parseContract(FILE_DELETION_REQUESTED, FileDeletionRequestedV1Schema, {
      id: upload.id,
      file_key: upload.file_key,
      owner: { sub: user.sub, username: user.username },
    });
    const record = new KinesisRecordBuilder(event)
      .setHeaders({ [HEADER_PAYLOAD_VERSION]: FILE_DELETION_REQUESTED_VERSION, [HEADER_CORRELATION_ID]: correlationId })
      // The upload's own key: the deletion lands on the upload's shard, after the upload.
      .setPartitionKey(uploadPartitionKey(this.config.publisher.partitionKey, { id: upload.id, ownerSub: upload.owner_sub }))
      .build();
    const accepted = await lastValueFrom(this.events.emit(FILE_DELETION_REQUESTED, record));
    // The worker's "deleted" line carries the same correlationId.
    this.logger.log({ msg: 'deletion requested', uploadId: upload.id, fileKey: upload.file_key, eventId: accepted.id, correlationId });
    return { kind: 'requested', id: upload.id, eventId: accepted.id };
  }
}
