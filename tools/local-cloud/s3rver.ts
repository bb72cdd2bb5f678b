import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { copyFile, mkdir, open, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import S3rver from 's3rver';
import S3Object from 's3rver/lib/models/object';
import FilesystemStore from 's3rver/lib/stores/filesystem';

type S3rverOptions = NonNullable<ConstructorParameters<typeof S3rver>[0]>;
type S3rverObject = Parameters<FilesystemStore['putObject']>[0];
type S3rverMiddleware = S3rver['middleware'][number];

/**
 * s3rver as the local cloud and the benchmarks run it: its filesystem store replaced by one
 * whose writes are atomic, and browser-form uploads (POST Object) refused. Call `run()` next.
 */
export function createS3rver(options: S3rverOptions): S3rver {
  const s3 = new S3rver(options);
  // The controllers reach the store both as ctx.store and as ctx.app.store.
  s3.store = s3.context.store = new AtomicFilesystemStore(s3.store.rootDirectory);
  // Ahead of s3rver's own middleware (Koa composes the array when the server starts).
  s3.middleware.unshift(refuseFormUploads, listUnversionedObjectVersions);
  return s3;
}

/**
 * s3rver 3.7's FilesystemStore writes an object straight into its final file: the file exists,
 * truncated, from the moment the write starts, and it resolves a PutObject (or UploadPart) when
 * its hashing stream has seen the last byte, not when the file is written. A GetObject during a
 * PutObject (a test polling for an object the worker is storing, or a redelivery overwriting
 * it) then reads part of the bytes, or the stream ends early against the Content-Length it
 * stated. Real S3 shows an object only once it is complete.
 *
 * Here every object and part is written to a temporary file beside its final one, its
 * metadata (content type, x-amz-meta-*, MD5) is written next, and the complete file is renamed
 * over the final name last: readers see either nothing, or the old bytes, or the new bytes
 * whole (reads bound themselves by the file they opened, see getObject; an overwrite can pair
 * the new metadata headers with the old bytes for that moment; a new key
 * appears with its metadata). The request is answered only after the rename. A write that
 * fails (a client that disconnects mid-body) leaves nothing behind, where s3rver would keep
 * the truncated file under the object's name. The temporary names end in `.partial`, which
 * s3rver's listings ignore (they list only files ending in its object suffix).
 */
export class AtomicFilesystemStore extends FilesystemStore {
  /**
   * s3rver reads the object's size from its metadata, then opens its file: across a rename
   * (an overwrite) that pairs the old size with the new file, and the reader got a prefix of the
   * new bytes that matches no version. Here the file is opened first and its own size (fstat of
   * the open file) bounds the read, so the bytes are always one version, whole.
   */
  override async getObject(bucket: string, key: string, options?: { start?: number; end?: number }): Promise<unknown> {
    let file;
    try {
      file = await open(this.getResourcePath(bucket, key, 'object'), 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    try {
      const metadata = await this.getMetadata(bucket, key);
      const { size } = await file.stat();
      metadata['content-length'] = String(size);
      const lastByte = Math.max(0, size - 1);
      const range = { start: options?.start ?? 0, end: Math.min(options?.end ?? Number.POSITIVE_INFINITY, lastByte) };
      const ranged = options !== undefined && (options.start !== undefined || options.end !== undefined);
      if (range.start < 0 || range.end < range.start) {
        await file.close();
        const unsatisfiable = new S3Object(bucket, key, null, metadata);
        if (ranged) unsatisfiable.range = range;
        return unsatisfiable;
      }
      const object = new S3Object(bucket, key, file.createReadStream({ start: range.start, end: range.end, autoClose: true }), metadata);
      if (ranged) object.range = range;
      return object;
    } catch (error) {
      await file.close();
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  override async putObject(object: S3rverObject): Promise<{ size: number; md5: string }> {
    const objectPath = this.getResourcePath(object.bucket, object.key, 'object');
    return this.writeThenRename(objectPath, object.content, async (md5) => {
      await this.putMetadata(object.bucket, object.key, object.metadata, md5);
    });
  }

  override async putPart(bucket: string, uploadId: string, partNumber: number | string, content: Readable): Promise<{ size: number; md5: string }> {
    const partPath = join(this.getResourcePath(bucket, undefined, 'uploads'), uploadId, String(partNumber));
    return this.writeThenRename(partPath, content, (md5) => writeFile(`${partPath}.md5`, md5));
  }

  override async copyObject(
    srcBucket: string,
    srcKey: string,
    destBucket: string,
    destKey: string,
    replacementMetadata?: Record<string, string>,
  ): Promise<Record<string, unknown>> {
    const srcPath = this.getResourcePath(srcBucket, srcKey, 'object');
    const destPath = this.getResourcePath(destBucket, destKey, 'object');
    if (srcPath === destPath) return super.copyObject(srcBucket, srcKey, destBucket, destKey, replacementMetadata);
    const partial = partialPath(destPath);
    await mkdir(dirname(destPath), { recursive: true });
    try {
      await copyFile(srcPath, partial);
      // The bytes are the source's, so is the MD5 (s3rver kept the destination's old one when
      // the metadata was replaced). Without one, getMetadata computes it from the bytes.
      const destMd5 = this.getResourcePath(destBucket, destKey, 'object.md5');
      await copyFile(this.getResourcePath(srcBucket, srcKey, 'object.md5'), destMd5).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error;
        return rm(destMd5, { force: true });
      });
      if (replacementMetadata) {
        await this.putMetadata(destBucket, destKey, replacementMetadata);
      } else {
        await copyFile(this.getResourcePath(srcBucket, srcKey, 'metadata.json'), this.getResourcePath(destBucket, destKey, 'metadata.json'));
      }
      await rename(partial, destPath);
    } catch (error) {
      await rm(partial, { force: true });
      throw error;
    }
    return this.getMetadata(destBucket, destKey);
  }

  /** Writes `content` beside `finalPath`, runs `beforeRename` with the MD5, then renames it into place. */
  private async writeThenRename(
    finalPath: string,
    content: Readable | Buffer,
    beforeRename: (md5: string) => Promise<unknown>,
  ): Promise<{ size: number; md5: string }> {
    await mkdir(dirname(finalPath), { recursive: true });
    const partial = partialPath(finalPath);
    const md5 = createHash('md5');
    let size = 0;
    try {
      if (Buffer.isBuffer(content)) {
        await writeFile(partial, content);
        md5.update(content);
        size = content.length;
      } else {
        const hashing = new Transform({
          transform(chunk: Buffer, _encoding, callback) {
            md5.update(chunk);
            size += chunk.length;
            callback(null, chunk);
          },
        });
        // Settles once the file stream has finished: every byte is in the file.
        await pipeline(content, hashing, createWriteStream(partial));
      }
      const digest = md5.digest('hex');
      await beforeRename(digest);
      await rename(partial, finalPath);
      return { size, md5: digest };
    } catch (error) {
      await rm(partial, { force: true });
      throw error;
    }
  }
}

function partialPath(finalPath: string): string {
  return `${finalPath}.${randomUUID()}.partial`;
}

/**
 * POST Object (an HTML form upload to the bucket's URL) is the one s3rver route that parses
 * multipart forms, through busboy 0.3 and dicer, whose header parser can be crashed by a
 * crafted form and has no fixed release. Nothing here uses POST Object (uploads go through the
 * api, PutObject, multipart uploads and presigned PUT URLs, none of which touch dicer), so the
 * local cloud answers it as S3 answers an unsupported feature instead of exposing the parser.
 */
const refuseFormUploads: S3rverMiddleware = (ctx, next) => {
  if (ctx.method === 'POST' && ctx.is('multipart/form-data')) {
    ctx.status = 501;
    ctx.type = 'application/xml';
    ctx.body =
      '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NotImplemented</Code>' +
      '<Message>POST Object (browser form uploads) is not served by the local cloud</Message></Error>';
    return undefined;
  }
  return next();
};

/** What ListObjectVersions returns at most per page (S3's default and limit). */
const MAX_VERSIONS_PER_PAGE = 1000;

const xmlText = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * ListObjectVersions (`GET /<bucket>?versions`), which s3rver refuses (405): answered as S3
 * answers it for a bucket that was never versioned, each current object once with the version
 * id `null`. s3rver keeps no versions (PutBucketVersioning is 501, an overwrite or a delete
 * replaces the file, DeleteObjects ignores VersionId and deletes the key), so this is the
 * whole truth about its store, and the worker's erasure (list versions, delete each by
 * VersionId) runs here the same calls it makes on AWS. What it cannot show is a noncurrent
 * version or a delete marker: those exist only in a versioned bucket.
 */
const listUnversionedObjectVersions: S3rverMiddleware = async (ctx, next) => {
  const bucket = /^\/([^/]+)\/?$/.exec(ctx.path)?.[1];
  if (ctx.method !== 'GET' || bucket === undefined || !('versions' in ctx.query)) return next();
  const query = (name: string) => {
    const value = ctx.query[name];
    return typeof value === 'string' ? value : '';
  };
  const prefix = query('prefix');
  const keyMarker = query('key-marker');
  const maxKeys = Math.min(MAX_VERSIONS_PER_PAGE, Number(query('max-keys') || MAX_VERSIONS_PER_PAGE));
  if (!(await ctx.store.getBucket(bucket))) {
    ctx.status = 404;
    ctx.type = 'application/xml';
    ctx.body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist</Message><BucketName>${xmlText(bucket)}</BucketName></Error>`;
    return undefined;
  }
  const { objects, isTruncated } = await ctx.store.listObjects(bucket, { prefix, startAfter: keyMarker, maxKeys });
  const versions = objects.map(
    (object) =>
      `<Version><Key>${xmlText(object.key)}</Key><VersionId>null</VersionId><IsLatest>true</IsLatest>` +
      `<LastModified>${object.lastModifiedDate.toISOString()}</LastModified><ETag>${xmlText(String(object.metadata.etag))}</ETag>` +
      `<Size>${object.size}</Size><StorageClass>STANDARD</StorageClass></Version>`,
  );
  const last = objects.at(-1);
  ctx.type = 'application/xml';
  ctx.body =
    '<?xml version="1.0" encoding="UTF-8"?>\n<ListVersionsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
    `<Name>${xmlText(bucket)}</Name><Prefix>${xmlText(prefix)}</Prefix><KeyMarker>${xmlText(keyMarker)}</KeyMarker><VersionIdMarker></VersionIdMarker>` +
    `<MaxKeys>${maxKeys}</MaxKeys><IsTruncated>${isTruncated}</IsTruncated>` +
    (isTruncated && last ? `<NextKeyMarker>${xmlText(last.key)}</NextKeyMarker><NextVersionIdMarker>null</NextVersionIdMarker>` : '') +
    versions.join('') +
    '</ListVersionsResult>';
  return undefined;
};
