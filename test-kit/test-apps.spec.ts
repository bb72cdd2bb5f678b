import { withVariables } from './test-apps';
import { bearer } from './test-users';

describe('withVariables', () => {
  const NAME = 'TEST_KIT_WITH_VARIABLES';

  afterEach(() => {
    delete process.env[NAME];
    delete process.env[`${NAME}_2`];
  });

  it('sets the variables for the body only, restoring earlier values and removing new ones', async () => {
    process.env[NAME] = 'before';
    const seen = await withVariables({ [NAME]: 'during', [`${NAME}_2`]: 'new' }, async () => [process.env[NAME], process.env[`${NAME}_2`]]);
    expect(seen).toEqual(['during', 'new']);
    expect(process.env[NAME]).toBe('before');
    expect(`${NAME}_2` in process.env).toBe(false);
  });

  it('restores them when the body throws', async () => {
    await expect(withVariables({ [NAME]: 'during' }, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(NAME in process.env).toBe(false);
  });
});

describe('bearer', () => {
  it('makes the Authorization value from a token or a user', () => {
    expect(bearer('abc.def.ghi')).toBe('Bearer abc.def.ghi');
    expect(bearer({ accessToken: 'abc.def.ghi' })).toBe('Bearer abc.def.ghi');
  });
});
