import { fileExtension, mediaTypeEssence, safeFileName } from './file-naming';

describe('fileExtension', () => {
  it.each([
    ['report.PDF', 'text/plain', 'pdf'],
    ['archive.tar.gz', undefined, 'gz'],
    ['../../etc/passwd.txt', undefined, 'txt'],
    ['C:\\Users\\me\\photo.JPEG', undefined, 'jpeg'],
    ['noext', 'image/png', 'png'],
    ['.bashrc', 'text/plain', 'txt'],
    ['trailing.', 'application/json', 'json'],
    ['weird.ex-t', 'text/plain; charset=utf-8', 'txt'],
    ['toolong.abcdefghijk', undefined, 'bin'],
    ['unicode.tëxt', 'application/pdf', 'pdf'],
    [undefined, 'IMAGE/JPEG', 'jpg'],
    [undefined, 'application/octet-stream', 'bin'],
    [undefined, 'application/x-unknown', 'bin'],
    [undefined, undefined, 'bin'],
    ['', '', 'bin'],
  ])('name %p with type %p → %p', (name, type, expected) => {
    expect(fileExtension(name, type)).toBe(expected);
  });
});

describe('safeFileName', () => {
  it('keeps the last path segment without control characters', () => {
    expect(safeFileName('a/b\\c/na\u0000me\n.txt')).toBe('name.txt');
  });

  it('drops names with nothing left', () => {
    expect(safeFileName('dir/')).toBeUndefined();
    expect(safeFileName('..')).toBeUndefined();
    expect(safeFileName(undefined)).toBeUndefined();
  });

  it('caps the length at 255', () => {
    expect(safeFileName('x'.repeat(300) + '.txt')).toHaveLength(255);
  });
});

describe('mediaTypeEssence', () => {
  it('drops parameters and case', () => {
    expect(mediaTypeEssence(' Text/Plain ; charset=UTF-8')).toBe('text/plain');
  });
});
