import { mockClient } from 'aws-sdk-client-mock';
import { DeleteObjectsCommand, ListObjectVersionsCommand, S3Client } from '@aws-sdk/client-s3';
import { ObjectVersionsEraser, ObjectVersionsNotErasedError } from './object-versions.eraser';

// What a versioned bucket holds that the local stand-in cannot: noncurrent versions and
// delete markers, over several pages of ListObjectVersions.
describe('ObjectVersionsEraser', () => {
  const s3 = new S3Client({ region: 'us-east-1' });
  const s3Mock = mockClient(s3);
  const eraser = new ObjectVersionsEraser(s3, 'file-store');
  const ID = '7f3c1e9a-0000-4000-8000-0000000000e1';

  beforeEach(() => {
    s3Mock.reset();
    s3Mock
      .on(ListObjectVersionsCommand, { Prefix: `uploads/${ID}.` })
      .resolves({
        IsTruncated: true,
        NextKeyMarker: `uploads/${ID}.txt`,
        NextVersionIdMarker: 'v2',
        Versions: [
          { Key: `uploads/${ID}.txt`, VersionId: 'v3', IsLatest: false },
          { Key: `uploads/${ID}.txt`, VersionId: 'v2', IsLatest: false },
        ],
        DeleteMarkers: [{ Key: `uploads/${ID}.txt`, VersionId: 'dm1', IsLatest: true }],
      })
      .on(ListObjectVersionsCommand, { Prefix: `uploads/${ID}.`, KeyMarker: `uploads/${ID}.txt`, VersionIdMarker: 'v2' })
      .resolves({ IsTruncated: false, Versions: [{ Key: `uploads/${ID}.txt`, VersionId: 'v1', IsLatest: false }] });
    s3Mock.on(DeleteObjectsCommand).resolves({});
  });

  it('deletes every version and delete marker under the prefix by its VersionId, across pages', async () => {
    await expect(eraser.erase(`uploads/${ID}.`)).resolves.toBe(4);
    const [list1, list2] = s3Mock.commandCalls(ListObjectVersionsCommand).map((call) => call.args[0].input);
    expect(list1).toMatchObject({ Bucket: 'file-store', Prefix: `uploads/${ID}.` });
    expect(list2).toMatchObject({ KeyMarker: `uploads/${ID}.txt`, VersionIdMarker: 'v2' });
    const deleted = s3Mock.commandCalls(DeleteObjectsCommand).flatMap((call) => call.args[0].input.Delete!.Objects!);
    expect(deleted).toEqual(['v3', 'v2', 'dm1', 'v1'].map((VersionId) => ({ Key: `uploads/${ID}.txt`, VersionId })));
  });

  it('keeps to one key when asked (a prefix also matches longer keys)', async () => {
    s3Mock.on(ListObjectVersionsCommand).resolves({
      Versions: [
        { Key: 'dead-letter/s/1.json', VersionId: 'a' },
        { Key: 'dead-letter/s/1.json.bak', VersionId: 'b' },
      ],
    });
    await expect(eraser.erase('dead-letter/s/1.json', 'dead-letter/s/1.json')).resolves.toBe(1);
    expect(s3Mock.commandCalls(DeleteObjectsCommand)[0].args[0].input.Delete!.Objects).toEqual([{ Key: 'dead-letter/s/1.json', VersionId: 'a' }]);
  });

  it('makes no DeleteObjects call when nothing is there', async () => {
    s3Mock.on(ListObjectVersionsCommand).resolves({ IsTruncated: false });
    await expect(eraser.erase(`incoming/${ID}`)).resolves.toBe(0);
    expect(s3Mock.commandCalls(DeleteObjectsCommand)).toHaveLength(0);
  });

  it('fails when S3 refuses to delete some versions (the caller is retried)', async () => {
    s3Mock.on(DeleteObjectsCommand).resolves({ Errors: [{ Key: `uploads/${ID}.txt`, VersionId: 'v3', Code: 'AccessDenied', Message: 'Access Denied' }] });
    await expect(eraser.erase(`uploads/${ID}.`)).rejects.toThrow(ObjectVersionsNotErasedError);
  });
});
