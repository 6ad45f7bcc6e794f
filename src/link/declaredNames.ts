import type { Language } from '../facts/types.ts';
import type { LinkFile } from '../languages/types.ts';

/** Linking is decided by text counts up to this many candidates (the linkers' cap). */
export const MAX_METHODS_BY_NAME = 8;

/**
 * How many methods of a name a tree declares, counted on the text of every file, parsed or not
 * (see `scanWords` in src/prefilter/wordIndex.ts).
 *
 * Linkers resolve a method call on a receiver of unknown type by name, but only when few methods
 * carry that name: with dozens of `start` or `get` methods around, linking to all of them would be
 * noise. Counting those candidates on the text (not on the parsed facts) makes the decision the
 * same whether every file was parsed (`--exhaustive`) or only the files that can matter (the
 * prefilter): the text of every discovered file is read either way. The count errs on the generous
 * side (a nested function counts too): it only has to be the same in both modes.
 */
export class DeclaredNames {
  /** language → name → package id → count. */
  private readonly counts = new Map<Language, Map<string, Map<string, number>>>();

  add(language: Language, packageId: string, names: readonly string[]): void {
    let byName = this.counts.get(language);
    if (!byName) {
      byName = new Map();
      this.counts.set(language, byName);
    }
    for (const name of names) {
      let byPackage = byName.get(name);
      if (!byPackage) {
        byPackage = new Map();
        byName.set(name, byPackage);
      }
      byPackage.set(packageId, (byPackage.get(packageId) ?? 0) + 1);
    }
  }

  /** Adds what `other` counted, with its package ids mapped (counts gathered before packages were known). */
  addFrom(other: DeclaredNames, packageIdOf: (id: string) => string): void {
    for (const [language, byName] of other.counts) {
      for (const [name, byPackage] of byName) {
        for (const [id, count] of byPackage) this.add(language, packageIdOf(id), Array.from({ length: count }, () => name));
      }
    }
  }

  /** Declarations of `name` in the given packages, or in the whole tree. */
  count(language: Language, name: string, packageIds?: Iterable<string>): number {
    const byPackage = this.counts.get(language)?.get(name);
    if (!byPackage) return 0;
    let total = 0;
    if (packageIds === undefined) {
      for (const count of byPackage.values()) total += count;
    } else {
      for (const id of new Set(packageIds)) total += byPackage.get(id) ?? 0;
    }
    return total;
  }

  /** Few enough declarations of `name` somewhere (in its package) that some caller may link to them by name. */
  linkableSomewhere(language: Language, name: string): boolean {
    const byPackage = this.counts.get(language)?.get(name);
    if (!byPackage) return true;
    for (const count of byPackage.values()) if (count <= MAX_METHODS_BY_NAME) return true;
    return false;
  }
}

/**
 * Without the texts (unit tests that link facts directly): each parsed method counts once, which is
 * what the text count gives for ordinary code.
 */
export function declaredByFacts(files: readonly LinkFile[]): DeclaredNames {
  const declared = new DeclaredNames();
  for (const file of files) {
    declared.add(file.facts.language, file.pkg.id, file.facts.functions.flatMap((fn) => (fn.container !== undefined ? [fn.name] : [])));
  }
  return declared;
}
