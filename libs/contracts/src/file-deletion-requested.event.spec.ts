import { randomUUID } from 'node:crypto';
import {
  ContractViolationError,
  FILE_DELETION_REQUESTED,
  FileDeletionRequestedV1Schema,
  parseContract,
} from './index';

function valid() {
  const id = randomUUID();
  return { id, file_key: `uploads/${id}.txt`, owner: { sub: 'abc', username: 'demo@example.com' } };
}

describe('file.deletion-requested v1', () => {
  it('accepts a well-formed payload', () => {
    const event = valid();
    expect(parseContract(FILE_DELETION_REQUESTED, FileDeletionRequestedV1Schema, event)).toEqual(event);
  });

  it('drops fields it does not define (nothing else travels to the consumer)', () => {
    const parsed = parseContract(FILE_DELETION_REQUESTED, FileDeletionRequestedV1Schema, { ...valid(), body: 'x' });
    expect(parsed).not.toHaveProperty('body');
  });

  it.each([
    ['a key not derived from the id', (e: any) => (e.file_key = `uploads/${randomUUID()}.txt`), 'file_key'],
    ['a key outside uploads/', (e: any) => (e.file_key = `dead-letter/${e.id}.txt`), 'file_key'],
    ['an id that is not a uuid', (e: any) => (e.id = 'abc'), 'id'],
    ['a missing owner', (e: any) => delete e.owner, 'owner'],
    ['an owner without sub', (e: any) => (e.owner = { username: 'x' }), 'owner.sub'],
  ])('rejects %s', (_name, mutate, path) => {
    const e = valid();
    mutate(e);
    let error: unknown;
    try {
      parseContract(FILE_DELETION_REQUESTED, FileDeletionRequestedV1Schema, e);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ContractViolationError);
    expect((error as ContractViolationError).issues.join()).toContain(path);
  });
});
