import { describeHttpProblem, formatBytes, retryAfterSeconds } from './http-problems';

describe('describeHttpProblem', () => {
  it.each([
    [401, 'sign-in', /sign in again/],
    [413, 'none', /too large: the limit is 100 MiB/],
    [429, 'retry', /Too many requests right now. Try again in 3 seconds/],
    [503, 'retry', /briefly unavailable. Try again in 3 seconds/],
    [0, 'retry', /connection was lost/],
    [500, 'retry', /error 500/],
    [400, 'none', /refused \(error 400\)/],
  ] as const)('%i → %s, in plain words', (status, remedy, message) => {
    const problem = describeHttpProblem(status, { action: 'The upload', retryAfter: 3, maxBytes: 100 * 1024 * 1024 });
    expect(problem.remedy).toBe(remedy);
    expect(problem.message).toMatch(message);
  });
});

describe('retryAfterSeconds', () => {
  it('reads seconds and HTTP dates', () => {
    expect(retryAfterSeconds('2')).toBe(2);
    expect(retryAfterSeconds(new Date(10_000).toUTCString(), 5_000)).toBe(5);
    expect(retryAfterSeconds(null)).toBeUndefined();
    expect(retryAfterSeconds('soon')).toBeUndefined();
  });
});

describe('formatBytes', () => {
  it('uses binary units', () => {
    expect(formatBytes(512)).toBe('512 bytes');
    expect(formatBytes(5 * 1024 * 1024)).toBe('5.0 MiB');
    expect(formatBytes(100 * 1024 * 1024)).toBe('100 MiB');
  });
});
