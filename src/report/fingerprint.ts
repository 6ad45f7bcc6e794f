/**
 * `partialFingerprints.primaryLocationLineHash` as GitHub's upload-sarif action computes it, so that
 * alerts uploaded by envrace match up across runs exactly as if the action had filled them in:
 * for each line, a rolling polynomial hash (base 37, modulo 2^64) of the next 100 characters from
 * the line's start, skipping spaces and tabs, with line endings normalised to \n and the file's
 * end marked by 0xFFFF; equal hashes get a `:N` occurrence suffix.
 */
const WINDOW = 100;
const BASE = 37n;
const MASK = (1n << 64n) - 1n;
const END_OF_FILE = 0xffff;
const TAB = 9;
const LF = 10;
const CR = 13;
const SPACE = 32;

const baseToWindow = (() => {
  let value = 1n;
  for (let i = 0; i < WINDOW; i += 1) value = (value * BASE) & MASK;
  return value;
})();

/** Hash of every line (1-based line number → `hex:count`). */
export function lineHashes(text: string): Map<number, string> {
  const hashes = new Map<number, string>();
  const window = new Array<number>(WINDOW).fill(0);
  const lineAt = new Array<number>(WINDOW).fill(-1);
  const counts = new Map<string, number>();
  let hash = 0n;
  let index = 0;
  let line = 0;
  let atLineStart = true;
  let afterCR = false;

  const emit = (): void => {
    const hex = hash.toString(16);
    const count = (counts.get(hex) ?? 0) + 1;
    counts.set(hex, count);
    hashes.set(lineAt[index]!, `${hex}:${count}`);
    lineAt[index] = -1;
  };
  const push = (code: number): void => {
    const leaving = window[index]!;
    window[index] = code;
    hash = (BASE * hash + BigInt(code) - baseToWindow * BigInt(leaving)) & MASK;
    index = (index + 1) % WINDOW;
  };
  const consume = (code: number): void => {
    if (code === SPACE || code === TAB || (afterCR && code === LF)) {
      afterCR = false;
      return;
    }
    if (code === CR) {
      code = LF;
      afterCR = true;
    } else {
      afterCR = false;
    }
    if (lineAt[index] !== -1) emit();
    if (atLineStart) {
      atLineStart = false;
      line += 1;
      lineAt[index] = line;
    }
    if (code === LF) atLineStart = true;
    push(code);
  };

  for (let i = 0; i < text.length; i += 1) consume(text.charCodeAt(i));
  consume(END_OF_FILE);
  for (let i = 0; i < WINDOW; i += 1) {
    if (lineAt[index] !== -1) emit();
    push(0);
  }
  return hashes;
}
