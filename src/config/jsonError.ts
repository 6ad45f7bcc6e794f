/**
 * Where a JSON text first goes wrong, for messages that point at a line and column (V8's own
 * messages do not always carry a position). Only called after `JSON.parse` failed.
 */
export interface JsonSyntaxProblem {
  offset: number;
  problem: string;
}

export function locateJsonError(text: string): JsonSyntaxProblem {
  let at = 0;
  const fail = (problem: string): never => {
    throw { offset: at, problem } satisfies JsonSyntaxProblem;
  };
  const describe = (): string => (at >= text.length ? 'end of file' : `${JSON.stringify(text[at])}`);
  const space = (): void => {
    while (at < text.length && ' \t\n\r'.includes(text[at]!)) at += 1;
  };
  const expect = (char: string, what: string): void => {
    space();
    if (text[at] !== char) fail(`expected ${what}, found ${describe()}`);
    at += 1;
  };
  const string = (): void => {
    at += 1;
    while (at < text.length && text[at] !== '"') {
      if (text[at] === '\\') {
        const escape = text[at + 1] ?? '';
        if (escape === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(at + 2, at + 6))) fail('invalid \\u escape in a string');
          at += 6;
          continue;
        }
        if (!'"\\/bfnrt'.includes(escape) || escape === '') fail(`invalid escape \\${escape} in a string`);
        at += 2;
        continue;
      }
      if (text.charCodeAt(at) < 0x20) fail('unescaped control character (a line break?) in a string');
      at += 1;
    }
    if (at >= text.length) fail('unterminated string');
    at += 1;
  };
  const value = (): void => {
    space();
    const char = text[at];
    if (char === '{') {
      at += 1;
      space();
      if (text[at] === '}') {
        at += 1;
        return;
      }
      for (;;) {
        space();
        if (text[at] !== '"') fail(text[at] === '}' ? 'trailing comma before "}"' : `expected a property name in double quotes, found ${describe()}`);
        string();
        expect(':', '":" after the property name');
        value();
        space();
        if (text[at] === ',') {
          at += 1;
          continue;
        }
        if (text[at] === '}') {
          at += 1;
          return;
        }
        fail(`expected "," or "}", found ${describe()}`);
      }
    }
    if (char === '[') {
      at += 1;
      space();
      if (text[at] === ']') {
        at += 1;
        return;
      }
      for (;;) {
        space();
        if (text[at] === ']') fail('trailing comma before "]"');
        value();
        space();
        if (text[at] === ',') {
          at += 1;
          continue;
        }
        if (text[at] === ']') {
          at += 1;
          return;
        }
        fail(`expected "," or "]", found ${describe()}`);
      }
    }
    if (char === '"') return string();
    const literal = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(at));
    if (literal) {
      at += literal[0].length;
      return;
    }
    fail(char === undefined ? 'unexpected end of file' : char === "'" ? "strings need double quotes, found '" : `unexpected ${describe()}`);
  };
  try {
    value();
    space();
    if (at < text.length) fail(`unexpected ${describe()} after the end of the JSON value`);
  } catch (error) {
    if (typeof error === 'object' && error !== null && 'offset' in error) return error as JsonSyntaxProblem;
    throw error;
  }
  return { offset: 0, problem: 'not valid JSON' };
}
