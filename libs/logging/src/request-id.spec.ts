import { requestIdOf } from './request-id';

describe('requestIdOf', () => {
  it('keeps a sane caller id, so a client can follow its own id', () => {
    expect(requestIdOf('trace-1.abc:42_x')).toBe('trace-1.abc:42_x');
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['with spaces', 'two words'],
    ['with JSON in it', '{"injected":true}'],
    ['too long', 'x'.repeat(129)],
    ['repeated (an array)', ['a', 'b']],
  ])('replaces a %s id with a new UUID', (_name, header) => {
    expect(requestIdOf(header)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
