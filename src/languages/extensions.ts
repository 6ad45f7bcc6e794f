import path from 'node:path';
import type { Language } from '../facts/types.ts';

/** File extensions per language. Kept apart from the adapters so discovery never loads a parser. */
export const LANGUAGE_EXTENSIONS: Readonly<Record<Language, readonly string[]>> = {
  c: ['.c', '.h'],
  rust: ['.rs'],
  python: ['.py'],
  javascript: ['.js', '.mjs', '.cjs', '.jsx', '.ts', '.tsx', '.mts', '.cts'],
};

const byExtension = new Map<string, Language>(
  Object.entries(LANGUAGE_EXTENSIONS).flatMap(([language, extensions]) => extensions.map((extension) => [extension, language as Language] as const)),
);

/** The language of a source file by its name, or undefined. TypeScript declaration files hold no code. */
export function languageForPath(file: string): Language | undefined {
  const base = path.basename(file).toLowerCase();
  if (/\.d\.[cm]?ts$/.test(base)) return undefined;
  return byExtension.get(path.extname(base));
}
