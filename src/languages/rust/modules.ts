import { posix } from 'node:path';

/**
 * The module path of a file within its crate, from where it sits: `src/lib.rs`, `src/main.rs` →
 * `[]`; `src/a/b.rs` and `src/a/b/mod.rs` → `['a', 'b']`. Binaries under `src/bin/` and files
 * outside `src/` (tests, examples, build scripts, a crate-less scan) are the roots of their own
 * trees. `mod` declarations are not required: an undeclared file is still placed by its path.
 */
export function moduleOfFile(filePath: string, packageRoot: string): string[] {
  const root = packageRoot.endsWith('/') ? packageRoot : `${packageRoot}/`;
  const sourceDir = `${root}src/`;
  let relative = filePath.startsWith(sourceDir) ? filePath.slice(sourceDir.length) : filePath.startsWith(root) ? filePath.slice(root.length) : posix.basename(filePath);
  if (relative.startsWith('bin/')) {
    const rest = relative.slice('bin/'.length);
    // `src/bin/tool.rs` is a root; `src/bin/tool/main.rs` is a root whose modules sit beside it.
    relative = rest.includes('/') ? rest.slice(rest.indexOf('/') + 1) : 'main.rs';
  }
  const segments = relative.replace(/\.rs$/, '').split('/');
  const last = segments[segments.length - 1];
  if (last === 'mod' || ((last === 'lib' || last === 'main') && segments.length === 1)) segments.pop();
  return segments;
}
