import { describe, expect, it } from 'vitest';
import { firstInvalidUtf8Offset } from '../../src/facts/read.ts';

describe('firstInvalidUtf8Offset', () => {
  it('points at the first bad byte, after valid multi-byte characters', () => {
    expect(firstInvalidUtf8Offset(Buffer.from([0x61, 0xe9, 0x0a]))).toBe(1);
    expect(firstInvalidUtf8Offset(Buffer.concat([Buffer.from('é😀'), Buffer.from([0xff])]))).toBe(6);
  });
  it('rejects truncated sequences, overlong forms and surrogates', () => {
    expect(firstInvalidUtf8Offset(Buffer.from([0x61, 0xe2, 0x82]))).toBe(1);
    expect(firstInvalidUtf8Offset(Buffer.from([0xc0, 0x80]))).toBe(0);
    expect(firstInvalidUtf8Offset(Buffer.from([0xed, 0xa0, 0x80]))).toBe(0);
  });
  it('returns the length for valid text', () => {
    expect(firstInvalidUtf8Offset(Buffer.from('plain ascii, ünïcödé'))).toBe(Buffer.byteLength('plain ascii, ünïcödé'));
  });
});
