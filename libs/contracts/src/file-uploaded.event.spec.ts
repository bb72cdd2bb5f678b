import { randomUUID } from 'node:crypto';
import { ContractViolationError, FILE_UPLOADED, FileUploadedV1Schema, parseContract } from './index';

function valid() {
  const id = randomUUID();
  return {
    id,
    file_key: `uploads/${id}.txt`,
    owner: { sub: 'abc', username: 'demo@example.com' },
    content_type: 'text/plain',
    size: 5,
    sha256: 'a'.repeat(64),
    body: { kind: 'inline', data_base64: Buffer.from('hello').toString('base64') },
  };
}

describe('file.uploaded v1', () => {
  it('accepts a well-formed payload', () => {
    expect(parseContract(FILE_UPLOADED, FileUploadedV1Schema, valid()).size).toBe(5);
  });

  it('takes the time the api accepted the upload as an ISO-8601 UTC time, and nothing else', () => {
    const accepted_at = '2026-03-01T10:00:00.123Z';
    expect(parseContract(FILE_UPLOADED, FileUploadedV1Schema, { ...valid(), accepted_at }).accepted_at).toBe(accepted_at);
    expect(() => parseContract(FILE_UPLOADED, FileUploadedV1Schema, { ...valid(), accepted_at: 'yesterday' })).toThrow(ContractViolationError);
  });

  it('accepts a staged body, with or without the ETag of the measured version', () => {
    for (const body of [{ kind: 'staged', key: 'incoming/x' }, { kind: 'staged', key: 'incoming/x', etag: '"abc-2"' }]) {
      expect(parseContract(FILE_UPLOADED, FileUploadedV1Schema, { ...valid(), body }).body).toEqual(body);
    }
  });

  it.each([
    ['a key not derived from the id', (e: any) => (e.file_key = `uploads/${randomUUID()}.txt`), 'file_key'],
    ['a key outside uploads/', (e: any) => (e.file_key = `../etc/${e.id}.txt`), 'file_key'],
    ['a bad sha256', (e: any) => (e.sha256 = 'xyz'), 'sha256'],
    ['a negative size', (e: any) => (e.size = -1), 'size'],
    ['a missing owner', (e: any) => delete e.owner, 'owner'],
    ['a staged body outside incoming/', (e: any) => (e.body = { kind: 'staged', key: 'uploads/x' }), 'body'],
    ['a staged body with an empty ETag', (e: any) => (e.body = { kind: 'staged', key: 'incoming/x', etag: '' }), 'body'],
  ])('rejects %s', (_name, mutate, path) => {
    const e = valid();
    mutate(e);
    expect(() => parseContract(FILE_UPLOADED, FileUploadedV1Schema, e)).toThrow(ContractViolationError);
    try {
      parseContract(FILE_UPLOADED, FileUploadedV1Schema, e);
    } catch (err) {
      expect((err as ContractViolationError).issues.join()).toContain(path);
    }
  });
});
