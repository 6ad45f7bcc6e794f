import path from 'node:path';

/** Report and fact ids always use forward slashes, whatever the platform. */
export function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}
