import { z } from 'zod';
import { env, EnvironmentValidationError, validateEnvironment } from './index';

describe('validateEnvironment', () => {
  const schema = z.object({ PORT: env.port(3000), STREAM: z.string().min(3), IDS: env.list() });

  it('applies defaults and coerces', () => {
    expect(validateEnvironment(schema)({ STREAM: 'file-events', IDS: 'a, b' })).toEqual({
      PORT: 3000,
      STREAM: 'file-events',
      IDS: ['a', 'b'],
    });
  });

  it('names every bad variable in one error', () => {
    let error: EnvironmentValidationError | undefined;
    try {
      validateEnvironment(schema)({ PORT: 'abc', IDS: ' , ' });
    } catch (e) {
      error = e as EnvironmentValidationError;
    }
    expect(error).toBeInstanceOf(EnvironmentValidationError);
    expect(error!.message).toMatch(/PORT is "abc"/);
    expect(error!.message).toMatch(/STREAM is missing/);
    expect(error!.message).toMatch(/IDS/);
  });
});
