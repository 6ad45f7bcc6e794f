import type { ImportFact } from '../../facts/types.ts';
import { spanOf, type PyNode } from './tree.ts';

/**
 * Import statements → import facts (for the linker) and the dotted paths the imported names stand
 * for (for expanding calls). A relative module keeps its dots: `from ..pkg import f` has source
 * `..pkg`, and `f` stands for the path `['..', 'pkg', 'f']` (the first segment holds the dots).
 */

export interface ImportBinding {
  local: string;
  path: string[];
}

export interface ReadImport {
  facts: ImportFact[];
  bindings: ImportBinding[];
}

/** Dotted module text → path segments, with a leading dots segment for relative modules. */
export function modulePath(source: string): string[] {
  const dots = /^\.*/.exec(source)![0];
  const rest = source.slice(dots.length);
  const segments = rest === '' ? [] : rest.split('.');
  return dots ? [dots, ...segments] : segments;
}

export function readImport(node: PyNode): ReadImport {
  const out: ReadImport = { facts: [], bindings: [] };
  const span = spanOf(node);
  if (node.type === 'import_statement') {
    for (const name of node.childrenForFieldName('name')) {
      if (name.type === 'aliased_import') {
        const source = name.childForFieldName('name')?.text;
        const alias = name.childForFieldName('alias')?.text;
        if (!source || !alias) continue;
        out.facts.push({ kind: 'import', local: alias, source, imported: '*', span });
        out.bindings.push({ local: alias, path: modulePath(source) });
      } else if (name.type === 'dotted_name') {
        // `import a.b` binds `a`; the submodule is reached as `a.b`.
        const source = name.text;
        const local = source.split('.')[0]!;
        out.facts.push({ kind: 'import', local, source, imported: '*', span });
        out.bindings.push({ local, path: [local] });
      }
    }
    return out;
  }
  if (node.type !== 'import_from_statement') return out;
  const source = node.childForFieldName('module_name')?.text.replace(/\s+/g, '');
  if (!source) return out;
  if (node.namedChildren.some((child) => child.type === 'wildcard_import')) {
    out.facts.push({ kind: 'import', local: '*', source, imported: '*', span });
    return out;
  }
  const base = modulePath(source);
  for (const name of node.childrenForFieldName('name')) {
    let imported: string | undefined;
    let local: string | undefined;
    if (name.type === 'aliased_import') {
      imported = name.childForFieldName('name')?.text;
      local = name.childForFieldName('alias')?.text;
    } else if (name.type === 'dotted_name') {
      imported = name.text;
      local = name.text;
    }
    if (!imported || !local) continue;
    out.facts.push({ kind: 'import', local, source, imported, span });
    out.bindings.push({ local, path: [...base, imported] });
  }
  return out;
}
