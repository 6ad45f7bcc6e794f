import { describe, expect, it } from 'vitest';
import { lineHashes } from '../../src/report/fingerprint.ts';

describe('primaryLocationLineHash', () => {
  it("matches the values GitHub's upload action computes", () => {
    // Known answers of GitHub's algorithm: the empty trailing line, and a short file.
    expect(lineHashes('').get(1)).toBe('c129715d7a2bc9a3:1');
    expect([...lineHashes(' a\nb\n  \t\tc\n d').values()]).toEqual(['271789c17abda88f:1', '54703d4cd895b18:1', '180aee12dab6264:1', 'a23a3dc5e078b07b:1']);
  });
  it('ignores spaces, tabs and the style of line endings', () => {
    const unix = lineHashes('fn main() {\n    set_var("A", "1");\n}\n');
    expect(lineHashes('fn main() {\r\n\tset_var("A", "1");\r\n}\r\n')).toEqual(unix);
    expect(lineHashes('fn main() {\r\tset_var("A","1");\r}\r')).toEqual(unix);
  });
  it('numbers repeated windows so identical lines stay distinct', () => {
    const hashes = [...lineHashes('x = 1\n'.repeat(30)).values()];
    expect(hashes[0]).toMatch(/:1$/);
    expect(hashes[1]).toMatch(/:2$/);
    expect(new Set(hashes).size).toBe(hashes.length);
  });
  it('changes for a line whose next 100 characters change, not for lines far above the edit', () => {
    const before = lineHashes(`${'// filler line\n'.repeat(20)}setenv("A", "1", 1);\n`);
    const after = lineHashes(`${'// filler line\n'.repeat(20)}setenv("B", "1", 1);\n`);
    expect(after.get(1)).toBe(before.get(1));
    expect(after.get(21)).not.toBe(before.get(21));
  });
});
