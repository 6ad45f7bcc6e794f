// Plain JavaScript (typed by cacheDir.d.ts): bin/envrace.js needs the cache root before any TypeScript can load.
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

/** envrace's cache directory: $XDG_CACHE_HOME/envrace, else ~/.cache/envrace (relative XDG values are ignored, as the spec says). */
export function envraceCacheDir(env = process.env) {
  const xdg = env.XDG_CACHE_HOME;
  if (xdg && isAbsolute(xdg)) return join(xdg, 'envrace');
  return join(env.HOME && isAbsolute(env.HOME) ? env.HOME : homedir(), '.cache', 'envrace');
}
