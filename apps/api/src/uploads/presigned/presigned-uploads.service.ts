import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { FILE_UPLOADED, FileUploadedV1Schema, parseContract } from '@lib/contracts';
import type { CognitoPrincipal } from '../../auth';
import { apiConfig, type ApiConfig } from '../../config';
import type { AcceptedUpload } from '../accepted-upload';
import { isMediaType, safeFileName } from '../file-naming';
import { UnreadableUploadError } from '../intake/unreadable-upload.error';
import { UploadTooLargeError } from '../intake/upload-too-large.error';
import { IncomingObjectsStore } from '../staging/incoming-objects.store';
import { UploadEventPublisher } from '../upload-event.publisher';
import { UploadsService } from '../uploads.service';
import { PresignedUploadIncompleteError } from './presigned-upload-incomplete.error';
import { PresignedUploadNotFoundError } from './presigned-upload-not-found.error';
import type { PresignedUploadRequestDto } from './presigned-upload-request.dto';
import type { PresignedUploadDto } from './presigned-upload.dto';
import { grantKeyOf, PresignedUploadGrantSchema, type PresignedUploadGrant } from './presigned-upload.grant';

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
   * it as a stream, and publishes its event. Completing twice publishes the same event twice,
   * which the worker stores once.
   * @throws PresignedUploadNotFoundError for an unknown id or someone else's upload
   * @throws PresignedUploadIncompleteError when the bytes are not there, or not as granted
   * @throws StagingUnavailableError / KinesisPublishError on an outage
   */
  async complete(id: string, owner: CognitoPrincipal, correlationId: string): Promise<AcceptedUpload> {
    const grant = PresignedUploadGrantSchema.safeParse(await this.incoming.getJson(grantKeyOf(id)));
    if (!grant.success || grant.data.owner_sub !== owner.sub) throw new PresignedUploadNotFoundError('Upload not found');
    const staged = await this.incoming.head(id);
    if (staged === undefined) throw new PresignedUploadIncompleteError('Nothing was uploaded to the presigned URL yet');
    // Real S3 enforces these through the signature; checking again keeps servers that do not
    // (and a grant changed behind our back) from publishing bytes nobody agreed to.
    if (staged.ownerSub !== owner.sub) throw new PresignedUploadIncompleteError('The uploaded object does not carry the owner it was granted to');
    if (staged.size !== grant.data.size || staged.size > this.config.uploadMaxBytes) {
      throw new PresignedUploadIncompleteError(`The uploaded object is ${staged.size} bytes; ${grant.data.size} were declared`);
    }
    const measured = await this.incoming.measure(id);
    if (measured.size !== staged.size) throw new PresignedUploadIncompleteError('The uploaded object changed while it was being checked');
    const event = parseContract(FILE_UPLOADED, FileUploadedV1Schema, {
      id,
      file_key: grant.data.file_key,
      owner: { sub: owner.sub, username: grant.data.owner_username },
      content_type: grant.data.content_type,
      size: staged.size,
      sha256: measured.sha256,
      original_name: grant.data.original_name,
      // The ETag of the bytes just hashed: the worker copies that version only.
      body: { kind: 'staged', key: IncomingObjectsStore.keyOf(id), ...(measured.etag === undefined ? {} : { etag: measured.etag }) },
    });
    // Not a new id: completing twice must not let a second pending hide a stored status.
    return this.publisher.publish(event, correlationId);
  }
}
