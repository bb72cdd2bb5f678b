import { withFastProperties } from './fast-properties';

describe('withFastProperties', () => {
  it('returns the very object, with the same keys, values and accessors in the same order', () => {
    const value: Record<string, unknown> = {};
    for (let index = 0; index < 80; index++) value[`key${index}`] = index;
    delete value.key3;
    let stored = 'first';
    Object.defineProperty(value, 'credentials', { get: () => stored, set: (next: string) => (stored = next), enumerable: true, configurable: true });
    const before = Object.getOwnPropertyDescriptors(value);

    expect(withFastProperties(value)).toBe(value);

    expect(Object.keys(value)).toEqual(Object.keys(before));
    expect(Object.getOwnPropertyDescriptors(value)).toEqual(before);
    value.credentials = 'second';
    expect(value.credentials).toBe('second');
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
  });
});
