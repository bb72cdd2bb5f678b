import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { FILE_UPLOADED, FileUploadedV1Schema, parseContract } from '@lib/contracts';
import type { CognitoPrincipal } from '../auth';
import { fileExtension, isMediaType, safeFileName } from './file-naming';
import type { AcceptedUpload } from './accepted-upload';
import { FileIntake } from './intake/file-intake';
import { UnreadableUploadError } from './intake/unreadable-upload.error';
import type { UploadSource } from './intake/upload-source';
import { UploadEventPublisher } from './upload-event.publisher';

/**
 * Accepts uploads: one `file.uploaded` event per file, carrying the bytes inline (small
 * files) or a reference to where they wait in `incoming/` (large files, claim check). An
 * upload counts as accepted only once Kinesis holds its event ({@link UploadEventPublisher}).
 */
@Injectable()
export class UploadsService {
  constructor(
    private readonly intake: FileIntake,
    private readonly publisher: UploadEventPublisher,
  ) {}

  /**
   * Reads the file from `source` (inline or staged, see {@link FileIntake}) and publishes it.
   * @throws UnreadableUploadError for an empty file, a bad content type or a body that broke off
   * @throws UploadTooLargeError / StagingUnavailableError from the intake
   * @throws KinesisPublishError / RecordTooLargeError when the stream did not take the event
   */
  async accept(source: UploadSource, owner: CognitoPrincipal, correlationId: string): Promise<AcceptedUpload> {
    if (!isMediaType(source.contentType)) throw new UnreadableUploadError('The Content-Type is not a valid media type');
    const id = randomUUID();
    const file = await this.intake.receive(id, owner.sub, source);
    if (file.size === 0) {
      throw new UnreadableUploadError('The file is empty: send its bytes as the body, or as the "file" field of a multipart form');
    }
    const event = parseContract(FILE_UPLOADED, FileUploadedV1Schema, {
      id,
      file_key: UploadsService.fileKeyOf(id, source.name, source.contentType),
      owner: { sub: owner.sub, username: owner.username },
      content_type: source.contentType,
      size: file.size,
      sha256: file.sha256,
      original_name: safeFileName(source.name),
      body: file.body.kind === 'inline' ? { kind: 'inline', data_base64: file.body.bytes.toString('base64') } : file.body,
    });
    // A staged object whose event is refused stays in incoming/ until the lifecycle rule removes it.
    return this.publisher.publish(event, correlationId);
  }

  /** `uploads/<id>.<ext>`: the extension from a safe name, else the content type, else `bin`. */
  static fileKeyOf(id: string, name: string | undefined, contentType: string): string {
    return `uploads/${id}.${fileExtension(name, contentType)}`;
  }
}
