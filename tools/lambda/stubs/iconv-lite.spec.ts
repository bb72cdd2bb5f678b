import { decode, encodingExists, getDecoder } from './iconv-lite';

describe('the iconv-lite stand-in of the Lambda bundles', () => {
  it('decodes UTF-8 split inside a multi-byte character across chunks', () => {
    const bytes = Buffer.from('größe €', 'utf8');
    const decoder = getDecoder('UTF-8');
    const text = decoder.write(bytes.subarray(0, 3)) + decoder.write(bytes.subarray(3)) + (decoder.end() ?? '');
    expect(text).toBe('größe €');
  });

  it('decodes the legacy charsets clients still send', () => {
    expect(decode(Buffer.from([0x67, 0x72, 0xf6, 0xdf, 0x65]), 'ISO-8859-1')).toBe('größe');
    expect(decode(Buffer.from('Привет', 'utf16le'), 'utf-16le')).toBe('Привет');
  });

  it('rejects an unknown charset with the message raw-body turns into a 415', () => {
    expect(encodingExists('utf-8')).toBe(true);
    expect(encodingExists('x-bogus')).toBe(false);
    // Node 20's TextDecoder maps 0x80–0x9F of windows-1252 differently from iconv-lite: refused.
    expect(encodingExists('windows-1252')).toBe(false);
    expect(() => getDecoder('x-bogus')).toThrow(/^Encoding not recognized: /);
  });
});
