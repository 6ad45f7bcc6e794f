import type { Language } from '../facts/types.ts';
import type { LanguageAdapter, Linker } from './types.ts';

/**
 * Adapters and linkers load on first use, and separately: a scan of JavaScript alone never loads
 * the tree-sitter grammars, and linking facts from the cache never loads a parser (TypeScript's
 * alone takes half a second).
 */
const adapterLoaders: Record<Language, () => Promise<LanguageAdapter>> = {
  c: async () => (await import('./c/extract.ts')).cAdapter,
  rust: async () => (await import('./rust/extract.ts')).rustAdapter,
  python: async () => (await import('./python/extract.ts')).pythonAdapter,
  javascript: async () => (await import('./javascript/extract.ts')).javascriptAdapter,
};

const linkerLoaders: Record<Language, () => Promise<Linker>> = {
  c: async () => (await import('./c/link.ts')).cLinker,
  rust: async () => (await import('./rust/link.ts')).rustLinker,
  python: async () => (await import('./python/link.ts')).pythonLinker,
  javascript: async () => (await import('./javascript/link.ts')).javascriptLinker,
};

function memoized<T>(loaders: Record<Language, () => Promise<T>>): (language: Language) => Promise<T> {
  const loaded = new Map<Language, Promise<T>>();
  return (language) => {
    let value = loaded.get(language);
    if (!value) {
      value = loaders[language]();
      loaded.set(language, value);
    }
    return value;
  };
}

export const languageAdapter = memoized(adapterLoaders);
export const languageLinker = memoized(linkerLoaders);
