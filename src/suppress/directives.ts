import type { Span } from '../facts/types.ts';
import type { Language } from '../facts/types.ts';

export const DIRECTIVE = 'envrace-ignore';

/** One `envrace-ignore[rule-id, ...]: reason` comment. */
export interface Directive {
  /** Where the `envrace-ignore` word is (0-based). */
  span: Span;
  /** Rule ids between the brackets; undefined when there are no brackets. */
  ruleIds?: string[];
  /** Text after the colon, trimmed; undefined or empty means no reason. */
  reason?: string;
  /** The comment is alone on its line (it then covers the next line); next to code, it covers its own line. */
  standalone: boolean;
  /** The directive as written, for messages. */
  text: string;
}

const WORD_BEFORE = /[A-Za-z0-9_-]$/;

/**
 * Where the comment holding position `index` of `line` starts, in the language's own syntax:
 * `#` for Python; `//`, `/*` (or a ` * ` continuation line of a block comment) elsewhere.
 * Returns -1 when `index` is not inside a comment opened on this line.
 */
function commentStart(line: string, index: number, language: Language): number {
  const prefix = line.slice(0, index);
  if (language === 'python') return prefix.indexOf('#');
  const candidates = [prefix.indexOf('//'), prefix.indexOf('/*')].filter((at) => at >= 0);
  if (candidates.length > 0) return Math.min(...candidates);
  return /^\s*\*/.test(prefix) ? prefix.indexOf('*') : -1;
}

/** Every suppression comment of a file, in order. Cheap for files without one. */
export function findDirectives(text: string, language: Language): Directive[] {
  if (!text.includes(DIRECTIVE)) return [];
  const directives: Directive[] = [];
  const lines = text.split(/\r\n|\r|\n/);
  lines.forEach((line, lineIndex) => {
    let from = 0;
    for (;;) {
      const at = line.indexOf(DIRECTIVE, from);
      if (at < 0) break;
      from = at + DIRECTIVE.length;
      if (at > 0 && WORD_BEFORE.test(line.slice(0, at))) continue;
      const start = commentStart(line, at, language);
      if (start < 0) continue;
      let rest = line.slice(from);
      let codeAfter = false;
      if (language !== 'python') {
        const close = rest.indexOf('*/');
        if (close >= 0) {
          codeAfter = rest.slice(close + 2).trim() !== '';
          rest = rest.slice(0, close);
        }
      }
      const brackets = /^\[([^\]]*)\]/.exec(rest);
      const afterIds = brackets ? rest.slice(brackets[0].length) : rest;
      const colon = /^\s*:(.*)$/.exec(afterIds);
      const ruleIds = brackets ? brackets[1]!.split(',').map((id) => id.trim()).filter((id) => id !== '') : undefined;
      const reason = colon ? colon[1]!.trim() : undefined;
      const written = `${DIRECTIVE}${brackets ? brackets[0] : ''}`;
      directives.push({
        span: { line: lineIndex, column: at, endLine: lineIndex, endColumn: at + written.length },
        ruleIds,
        reason,
        standalone: line.slice(0, start).trim() === '' && !codeAfter,
        text: written,
      });
    }
  });
  return directives;
}

/** The 0-based line a directive silences findings on. */
export function coveredLine(directive: Directive): number {
  return directive.standalone ? directive.span.line + 1 : directive.span.line;
}
