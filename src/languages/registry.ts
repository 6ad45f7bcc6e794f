import type { Language } from '../facts/types.ts';
import type { LanguageAdapter, Linker } from './types.ts';

export interface LanguageSupport {
  adapter: LanguageAdapter;
  linker: Linker;
}

/** Loaded on first use, so a scan of JavaScript alone never loads the tree-sitter grammars. */
const loaders: Record<Language, () => Promise<LanguageSupport>> = {
  c: async () => {
    const [{ cAdapter }, { cLinker }] = await Promise.all([import('./c/extract.ts'), import('./c/link.ts')]);
    return { adapter: cAdapter, linker: cLinker };
  },
  rust: async () => {
    const [{ rustAdapter }, { rustLinker }] = await Promise.all([import('./rust/extract.ts'), import('./rust/link.ts')]);
    return { adapter: rustAdapter, linker: rustLinker };
  },
  python: async () => {
    const [{ pythonAdapter }, { pythonLinker }] = await Promise.all([import('./python/extract.ts'), import('./python/link.ts')]);
    return { adapter: pythonAdapter, linker: pythonLinker };
  },
  javascript: async () => {
    const [{ javascriptAdapter }, { javascriptLinker }] = await Promise.all([
      import('./javascript/extract.ts'),
      import('./javascript/link.ts'),
    ]);
    return { adapter: javascriptAdapter, linker: javascriptLinker };
  },
};

const loaded = new Map<Language, Promise<LanguageSupport>>();

export function languageSupport(language: Language): Promise<LanguageSupport> {
  let support = loaded.get(language);
  if (!support) {
    support = loaders[language]();
    loaded.set(language, support);
  }
  return support;
}
