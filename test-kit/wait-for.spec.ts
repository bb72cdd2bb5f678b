import { waitFor, WaitForTimeoutError } from './wait-for';

describe('waitFor', () => {
  it('returns the first truthy value, treating throws and falsy values as "not yet"', async () => {
    let calls = 0;
    const value = await waitFor(
      async () => {
        calls += 1;
        if (calls === 1) throw new Error('not ready');
        return calls >= 3 ? { status: 'stored' } : undefined;
      },
      { intervalMs: 1 },
    );
    expect(value).toEqual({ status: 'stored' });
    expect(calls).toBe(3);
  });

  it('names the description and the last value on timeout', async () => {
    const error = await waitFor(() => null, { timeoutMs: 30, intervalMs: 5, description: 'upload 42 to be stored' }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(WaitForTimeoutError);
    expect((error as Error).message).toBe('Timed out after 30 ms waiting for upload 42 to be stored; last value: null');
  });

  it('names the last error on timeout', async () => {
    await expect(
      waitFor(
        () => {
          throw new TypeError('socket hang up');
        },
        { timeoutMs: 20, intervalMs: 5, description: 'the api' },
      ),
    ).rejects.toThrow('Timed out after 20 ms waiting for the api; last error: TypeError: socket hang up');
  });

  it('tries at least once even with no time at all', async () => {
    await expect(waitFor(() => 'ok', { timeoutMs: 0 })).resolves.toBe('ok');
  });
});
