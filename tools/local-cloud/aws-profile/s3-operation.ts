import type { IncomingHttpHeaders } from 'node:http';

/**
 * The S3 operation a path-style REST request is (`/<bucket>/<key>?<sub-resource>`), named as
 * the SDK names it, so that each gets its own latency. Unknown shapes fall back to the
 * method's most common operation.
 */
export function s3OperationOf(method: string | undefined, url: string | undefined, headers: IncomingHttpHeaders): string {
  const { pathname, searchParams } = new URL(url ?? '/', 'http://s3.local');
  const hasKey = pathname.split('/').filter(Boolean).length > 1;
  switch (method) {
    case 'PUT':
      if (!hasKey) return 'CreateBucket';
      if (searchParams.has('uploadId')) return headers['x-amz-copy-source'] ? 'UploadPartCopy' : 'UploadPart';
      return headers['x-amz-copy-source'] ? 'CopyObject' : 'PutObject';
    case 'GET':
      if (!hasKey) return searchParams.get('list-type') === '2' ? 'ListObjectsV2' : 'ListObjects';
      return searchParams.has('uploadId') ? 'ListParts' : 'GetObject';
    case 'HEAD':
      return hasKey ? 'HeadObject' : 'HeadBucket';
    case 'DELETE':
      if (!hasKey) return 'DeleteBucket';
      return searchParams.has('uploadId') ? 'AbortMultipartUpload' : 'DeleteObject';
    case 'POST':
      if (searchParams.has('delete')) return 'DeleteObjects';
      if (searchParams.has('uploads')) return 'CreateMultipartUpload';
      if (searchParams.has('uploadId')) return 'CompleteMultipartUpload';
      return 'PostObject';
    default:
      return method ?? 'unknown';
  }
}
