import { s3OperationOf } from './s3-operation';

describe('s3OperationOf (path-style requests)', () => {
  it.each([
    ['PUT', '/file-store/uploads/a.txt', {}, 'PutObject'],
    ['PUT', '/file-store/uploads/a.txt?X-Amz-Signature=abc&X-Amz-Expires=900', {}, 'PutObject'],
    ['PUT', '/file-store/uploads/a.txt', { 'x-amz-copy-source': '/file-store/incoming/a' }, 'CopyObject'],
    ['PUT', '/file-store/k?partNumber=1&uploadId=u', {}, 'UploadPart'],
    ['PUT', '/file-store', {}, 'CreateBucket'],
    ['GET', '/file-store/k', {}, 'GetObject'],
    ['GET', '/file-store?list-type=2&prefix=x', {}, 'ListObjectsV2'],
    ['HEAD', '/file-store/k', {}, 'HeadObject'],
    ['HEAD', '/file-store', {}, 'HeadBucket'],
    ['DELETE', '/file-store/k', {}, 'DeleteObject'],
    ['DELETE', '/file-store/k?uploadId=u', {}, 'AbortMultipartUpload'],
    ['POST', '/file-store?delete', {}, 'DeleteObjects'],
    ['POST', '/file-store/k?uploads', {}, 'CreateMultipartUpload'],
    ['POST', '/file-store/k?uploadId=u', {}, 'CompleteMultipartUpload'],
  ])('%s %s → %s', (method, url, headers, operation) => {
    expect(s3OperationOf(method, url, headers)).toBe(operation);
  });
});
