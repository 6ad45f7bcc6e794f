/** One module-level import statement: `from ..x.y import a, b` → `{ level: 2, module: 'x.y', names: ['a', 'b'] }`. */
export interface ImportStatement {
  /** Leading dots of a relative import (0: absolute). */
  level: number;
  /** Dotted module after the dots (may be empty: `from . import x`). */
  module: string;
  /** Names of a `from` import (`*` kept); empty for `import a.b`. */
  names: string[];
}

/**
 * The imports a Python module runs when it is first imported: unindented `import` / `from ... import`
 * statements (parenthesized and backslash-continued ones included). Imports under `try:`,
 * `if TYPE_CHECKING:` or inside functions are indented and left out: those are optional or lazy.
 * Lines inside triple-quoted strings are skipped. A cheap scan, not a parse: it only decides which
 * modules, and so which distributions, importing a module pulls in.
 */
export function moduleLevelImports(source: string): ImportStatement[] {
  const out: ImportStatement[] = [];
  const lines = source.split(/\r?\n/);
  let inString: string | undefined;
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index]!;
    if (inString) {
      if (countOf(line, inString) % 2 === 1) inString = undefined;
      continue;
    }
    if (/^(import|from)\s/.test(line)) {
      // Import statements hold no strings: `#` always starts a comment. Gather continuation lines
      // (an open parenthesis or a trailing backslash).
      let statement = uncomment(line);
      while (index + 1 < lines.length && (statement.endsWith('\\') || openParens(statement) > 0) && statement.length < 20_000) {
        index += 1;
        statement = `${statement.replace(/\\$/, '')} ${uncomment(lines[index]!)}`;
      }
      for (const part of statement.split(';')) parseStatement(part.trim(), out);
      continue;
    }
    for (const quote of ['"""', "'''"]) {
      if (countOf(line, quote) % 2 === 1) {
        inString = quote;
        break;
      }
    }
  }
  return out;
}

function parseStatement(statement: string, out: ImportStatement[]): void {
  const from = /^from\s+(\.*)\s*([A-Za-z_][\w.]*)?\s+import\s+(.*)$/s.exec(statement);
  if (from) {
    const level = from[1]!.length;
    const module = from[2] ?? '';
    if (level === 0 && module === '') return;
    const names = from[3]!
      .replace(/[()]/g, ' ')
      .split(',')
      .map((name) => name.trim().split(/\s+/)[0] ?? '')
      .filter((name) => name === '*' || /^[A-Za-z_]\w*$/.test(name));
    out.push({ level, module, names });
    return;
  }
  const plain = /^import\s+(.+)$/s.exec(statement);
  if (!plain) return;
  for (const part of plain[1]!.replace(/[()]/g, ' ').split(',')) {
    const module = /^\s*([A-Za-z_][\w.]*)/.exec(part)?.[1];
    if (module) out.push({ level: 0, module, names: [] });
  }
}

function uncomment(line: string): string {
  return line.replace(/#.*$/, '').trimEnd();
}

function openParens(text: string): number {
  return (text.match(/\(/g)?.length ?? 0) - (text.match(/\)/g)?.length ?? 0);
}

function countOf(line: string, needle: string): number {
  let count = 0;
  for (let at = line.indexOf(needle); at >= 0; at = line.indexOf(needle, at + needle.length)) count += 1;
  return count;
}
