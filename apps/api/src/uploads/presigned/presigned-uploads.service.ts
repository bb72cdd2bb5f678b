import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable } from '@nestjs/common';
import { FILE_UPLOADED, FileUploadedV1Schema, parseContract } from '@lib/contracts';
import { UploadStatusRepository } from '@lib/upload-status';
import type { CognitoPrincipal } from '../../auth';
import { apiConfig, type ApiConfig } from '../../config';
import type { AcceptedUpload } from '../accepted-upload';
import { isMediaType, safeFileName } from '../file-naming';
import { UnreadableUploadError } from '../intake/unreadable-upload.error';
import { UploadTooLargeError } from '../intake/upload-too-large.error';
import { IncomingObjectsStore } from '../staging/incoming-objects.store';
import { UploadEventPublisher } from '../upload-event.publisher';
import { UploadsService } from '../uploads.service';
import { PresignedCompletionsStore, type StagedMeasurement } from './presigned-completions.store';
import { PresignedUploadBusyError } from './presigned-upload-busy.error';
import { PresignedUploadGoneError } from './presigned-upload-gone.error';
import { PresignedUploadIncompleteError } from './presigned-upload-incomplete.error';
import { PresignedUploadNotFoundError } from './presigned-upload-not-found.error';
import type { PresignedUploadRequestDto } from './presigned-upload-request.dto';
import type { PresignedUploadDto } from './presigned-upload.dto';
import { grantKeyOf, PresignedUploadGrantSchema, type PresignedUploadGrant } from './presigned-upload.grant';

/**
 * How long one `complete` may hold the measurement of an upload (reading and hashing the staged
 * object, up to `UPLOAD_MAX_BYTES`) before another may take it over, and so also how long a
 * concurrent `complete` waits for it before answering 409.
 */
const MEASUREMENT_LEASE_MS = 15_000;
/** How often a waiting `complete` looks for the measurement. */
const MEASUREMENT_POLL_MS = 100;

/**
 * The presigned flow, for files that cannot pass through the api (Lambda's 6 MB request cap)
 * and for clients that would rather talk to S3 directly: a URL to PUT the bytes to
 * `incoming/<id>`, then `complete`, which checks what arrived and publishes the same
 * `file.uploaded` event (staged body) as `POST /uploads`.
 */
@Injectable()
export class PresignedUploadsService {
  constructor(
    private readonly incoming: IncomingObjectsStore,
    private readonly publisher: UploadEventPublisher,
    private readonly statuses: UploadStatusRepository,
    private readonly completions: PresignedCompletionsStore,
    @Inject(apiConfig.KEY) private readonly config: ApiConfig,
  ) {}

  /**
   * @throws UploadTooLargeError when the declared size is over `UPLOAD_MAX_BYTES`
   * @throws UnreadableUploadError when the content type is not a media type
   * @throws StagingUnavailableError when S3 does not answer
   */
  async create(request: PresignedUploadRequestDto, owner: CognitoPrincipal): Promise<PresignedUploadDto> {
    if (request.size > this.config.uploadMaxBytes) throw new UploadTooLargeError(this.config.uploadMaxBytes);
    if (!isMediaType(request.content_type)) throw new UnreadableUploadError('content_type is not a valid media type');
    const id = randomUUID();
    const presigned = await this.incoming.presignPut({ uploadId: id, ownerSub: owner.sub }, request.content_type, request.size);
    const grant: PresignedUploadGrant = {
      owner_sub: owner.sub,
      owner_username: owner.username,
      file_key: UploadsService.fileKeyOf(id, request.filename, request.content_type),
      content_type: request.content_type,
      size: request.size,
      original_name: safeFileName(request.filename),
      expires_at: presigned.expiresAt.toISOString(),
    };
    await this.incoming.putJson(grantKeyOf(id), grant);
    return {
      id,
      file_key: grant.file_key,
      upload_url: presigned.url,
      method: 'PUT',
      headers: presigned.headers,
      expires_at: grant.expires_at,
    };
  }

  /**
   * Checks the staged object against the grant (owner, exact size, within the limit), hashes
   * it as a stream, and publishes its event. Idempotent: the first `complete` of an upload
   * measures the staged object and records the measurement (`PresignedCompletionsStore`);
   * every other one, concurrent or later, on any api instance, publishes the same event from
   * that record without reading the bytes again (the worker stores it once).
   * @throws PresignedUploadNotFoundError for an unknown id or someone else's upload
   * @throws PresignedUploadGoneError when the upload was deleted, or its grant expired before it was completed
   * @throws PresignedUploadIncompleteError when the bytes are not there, or not as granted
   * @throws PresignedUploadBusyError when another request is still measuring the same upload
   * @throws StagingUnavailableError / KinesisPublishError on an outage
   */
  async complete(id: string, owner: CognitoPrincipal, correlationId: string): Promise<AcceptedUpload> {
    // Before the grant: a deletion erases the grant too. Published after its deletion, the
    // event would only be thrown away by the worker; the client learns now that it is gone.
    const status = await this.statuses.find(id);
    if (status?.status === 'deleted' && status.owner_sub === owner.sub) throw new PresignedUploadGoneError('The upload was deleted');
    const grant = PresignedUploadGrantSchema.safeParse(await this.incoming.getJson(grantKeyOf(id)));
    if (!grant.success || grant.data.owner_sub !== owner.sub) throw new PresignedUploadNotFoundError('Upload not found');
    const measured = await this.measureOnce(id, owner, grant.data);
    const event = parseContract(FILE_UPLOADED, FileUploadedV1Schema, {
      id,
      file_key: grant.data.file_key,
      owner: { sub: owner.sub, username: grant.data.owner_username },
      content_type: grant.data.content_type,
      size: measured.size,
      sha256: measured.sha256,
      original_name: grant.data.original_name,
      // The ETag of the bytes hashed: the worker copies that version only.
      body: { kind: 'staged', key: IncomingObjectsStore.keyOf(id), ...(measured.etag === undefined ? {} : { etag: measured.etag }) },
    });
    // Not a new id: completing twice must not let a second pending hide a stored status.
    return this.publisher.publish(event, correlationId);
  }

  /** The staged object's measurement: this request's, or the one another request recorded. */
  private async measureOnce(id: string, owner: CognitoPrincipal, grant: PresignedUploadGrant): Promise<StagedMeasurement> {
    const requestId = randomUUID();
    const giveUpAt = Date.now() + MEASUREMENT_LEASE_MS;
    for (;;) {
      const claim = await this.completions.claim(id, requestId, MEASUREMENT_LEASE_MS);
      if (claim.kind === 'measured') return claim.measured;
      if (claim.kind === 'claimed') {
        let measured: StagedMeasurement;
        try {
          measured = await this.measure(id, owner, grant);
        } catch (error) {
          // Nothing measured (not uploaded yet, an outage): the next complete may try at once.
          await this.completions.release(id, requestId).catch(() => undefined);
          throw error;
        }
        await this.completions.recordMeasured(id, requestId, measured);
        return measured;
      }
      // Another request measures it: wait for its record, or for its claim to lapse.
      while (Date.now() < Math.min(claim.until, giveUpAt)) {
        await sleep(MEASUREMENT_POLL_MS);
        const recorded = await this.completions.measured(id);
        if (recorded !== undefined) return recorded;
      }
      if (Date.now() >= giveUpAt) throw new PresignedUploadBusyError('This upload is being completed by another request; retry shortly');
    }
  }

  private async measure(id: string, owner: CognitoPrincipal, grant: PresignedUploadGrant): Promise<StagedMeasurement> {
    // A grant past its time is refused only before the first measurement: a repeated complete
    // of an upload measured in time gets the same answer as the first.
    if (Date.parse(grant.expires_at) < Date.now()) {
      throw new PresignedUploadGoneError('The presigned upload expired before it was completed; start a new one');
    }
    const staged = await this.incoming.head(id);
    if (staged === undefined) throw new PresignedUploadIncompleteError('Nothing was uploaded to the presigned URL yet');
    // Real S3 enforces these through the signature; checking again keeps servers that do not
    // (and a grant changed behind our back) from publishing bytes nobody agreed to.
    if (staged.ownerSub !== owner.sub) throw new PresignedUploadIncompleteError('The uploaded object does not carry the owner it was granted to');
    if (staged.size !== grant.size || staged.size > this.config.uploadMaxBytes) {
      throw new PresignedUploadIncompleteError(`The uploaded object is ${staged.size} bytes; ${grant.size} were declared`);
    }
    const measured = await this.incoming.measure(id);
    if (measured.size !== staged.size) throw new PresignedUploadIncompleteError('The uploaded object changed while it was being checked');
    return measured;
  }
}
