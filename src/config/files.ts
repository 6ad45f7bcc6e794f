import path from 'node:path';
import picomatch from 'picomatch';
import { toPosix } from '../util/paths.ts';

/**
 * include/exclude globs of a configuration, relative to its folder. A pattern matches a file when it
 * matches the file's path or the path of a folder above it, so `vendor` and `vendor/**` both leave
 * out everything under vendor/. Exclude wins. Files outside the configuration's folder are kept.
 */
export function fileFilter(dir: string, include: readonly string[], exclude: readonly string[]): ((absPath: string) => boolean) | undefined {
  if (include.length === 0 && exclude.length === 0) return undefined;
  const options = { dot: true };
  const included = include.length === 0 ? undefined : picomatch(include.map(normalize), options);
  const excluded = exclude.length === 0 ? undefined : picomatch(exclude.map(normalize), options);
  return (absPath: string): boolean => {
    const relative = toPosix(path.relative(dir, absPath));
    if (relative === '' || relative.startsWith('../') || relative === '..' || path.isAbsolute(relative)) return true;
    const candidates = selfAndParents(relative);
    if (excluded && candidates.some((candidate) => excluded(candidate))) return false;
    return !included || candidates.some((candidate) => included(candidate));
  };
}

/** `./src/` → `src`: patterns are written relative to the configuration's folder. */
function normalize(pattern: string): string {
  return pattern.replace(/^\.\//, '').replace(/\/+$/, '') || '**';
}

function selfAndParents(relative: string): string[] {
  const segments = relative.split('/');
  return segments.map((_segment, index) => segments.slice(0, segments.length - index).join('/'));
}
