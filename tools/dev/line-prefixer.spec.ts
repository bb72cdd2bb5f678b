import { formatTag, LinePrefixer } from './line-prefixer';

describe('LinePrefixer', () => {
  const collect = () => {
    const written: string[] = [];
    const lines: string[] = [];
    const prefixer = new LinePrefixer('[api]', (text) => written.push(text), (line) => lines.push(line));
    return { prefixer, written, lines };
  };

  it('prefixes every whole line and keeps a partial one for the next chunk', () => {
    const { prefixer, written, lines } = collect();
    prefixer.push('one\ntw');
    expect(written).toEqual(['[api] one\n']);
    prefixer.push('o\nthree\n');
    expect(written).toEqual(['[api] one\n', '[api] two\n', '[api] three\n']);
    expect(lines).toEqual(['one', 'two', 'three']);
  });

  it('writes the unterminated rest on flush, once', () => {
    const { prefixer, written } = collect();
    prefixer.push(Buffer.from('last words'));
    expect(written).toEqual([]);
    prefixer.flush();
    prefixer.flush();
    expect(written).toEqual(['[api] last words\n']);
  });

  it('does not break a UTF-8 character split across chunks, and drops CR of CRLF', () => {
    const { prefixer, written } = collect();
    const bytes = Buffer.from('größe → ok\r\n');
    prefixer.push(bytes.subarray(0, 3));
    prefixer.push(bytes.subarray(3));
    expect(written).toEqual(['[api] größe → ok\n']);
  });

  it('keeps empty lines', () => {
    const { prefixer, written } = collect();
    prefixer.push('a\n\nb\n');
    expect(written).toEqual(['[api] a\n', '[api] \n', '[api] b\n']);
  });
});

describe('formatTag', () => {
  it('pads the tag, and colours it only when asked', () => {
    expect(formatTag('api', 0, false, 8)).toBe('[api]   ');
    expect(formatTag('api', 0, true, 8)).toBe('\u001b[36m[api]   \u001b[39m');
    expect(formatTag('cloud', 1, true)).toBe('\u001b[35m[cloud]\u001b[39m');
  });
});
