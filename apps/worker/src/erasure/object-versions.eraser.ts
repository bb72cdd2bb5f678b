import { Inject, Injectable } from '@nestjs/common';
import { DeleteObjectsCommand, ListObjectVersionsCommand, S3Client, type ObjectIdentifier } from '@aws-sdk/client-s3';
import { FILE_BUCKET } from '../files/file.storage';

/** What one DeleteObjects call may carry (S3 limit). */
const DELETE_OBJECTS_MAX_KEYS = 1000;

/** A key DeleteObjects could not delete, with S3's code for it. */
export class ObjectVersionsNotErasedError extends Error {
  override readonly name = 'ObjectVersionsNotErasedError';
}

/**
 * Erases objects for good in a versioned bucket: every version and every delete marker under a
 * prefix, each deleted by its VersionId. A plain DeleteObject there only hides the bytes
 * behind a delete marker; they stay as a noncurrent version until the lifecycle rule expires
 * them (30 days). In a bucket that was never versioned S3 lists each object once, with the
 * version id "null", and deleting that version deletes the object, so the same calls work.
 */
@Injectable()
export class ObjectVersionsEraser {
  constructor(
    private readonly s3: S3Client,
    @Inject(FILE_BUCKET) private readonly bucket: string,
  ) {}

  /**
   * @param onlyKey when set, only versions of exactly this key (a prefix also matches longer keys)
   * @returns how many versions and delete markers were deleted
   * @throws ObjectVersionsNotErasedError when S3 refused some of them; S3 errors as thrown
   */
  async erase(prefix: string, onlyKey?: string): Promise<number> {
    const versions = (await this.listVersions(prefix)).filter((version) => onlyKey === undefined || version.Key === onlyKey);
    await this.deleteVersions(versions);
    return versions.length;
  }

  /** Every version and delete marker under `prefix`, by key and version id. */
  async listVersions(prefix: string): Promise<ObjectIdentifier[]> {
    const found: ObjectIdentifier[] = [];
    let keyMarker: string | undefined;
    let versionIdMarker: string | undefined;
    do {
      const page = await this.s3.send(
        new ListObjectVersionsCommand({ Bucket: this.bucket, Prefix: prefix, KeyMarker: keyMarker, VersionIdMarker: versionIdMarker }),
      );
      for (const entry of [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])]) {
        found.push({ Key: entry.Key!, VersionId: entry.VersionId });
      }
      keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
      versionIdMarker = page.IsTruncated ? page.NextVersionIdMarker : undefined;
    } while (keyMarker !== undefined);
    return found;
  }

  /** @throws ObjectVersionsNotErasedError when S3 refused some of them */
  async deleteVersions(versions: readonly ObjectIdentifier[]): Promise<void> {
    for (let start = 0; start < versions.length; start += DELETE_OBJECTS_MAX_KEYS) {
      const output = await this.s3.send(
        new DeleteObjectsCommand({
          Bucket: this.bucket,
          // Quiet: the answer lists only the failures.
          Delete: { Objects: versions.slice(start, start + DELETE_OBJECTS_MAX_KEYS), Quiet: true },
        }),
      );
      const failed = output.Errors ?? [];
      if (failed.length > 0) {
        const [first] = failed;
        throw new ObjectVersionsNotErasedError(`${failed.length} versions not deleted, e.g. ${first.Key} (${first.VersionId}): ${first.Code} ${first.Message}`);
      }
    }
  }
}
