import path from 'node:path';

/** Report and fact ids always use forward slashes, whatever the platform. */
export function toPosix(p: string): string {
  return path.sep === '/' ? p : p.split(path.sep).join('/');
}
