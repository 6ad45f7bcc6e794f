/** envrace's cache directory: $XDG_CACHE_HOME/envrace, else ~/.cache/envrace (relative XDG values are ignored, as the spec says). */
export function envraceCacheDir(env?: Readonly<Record<string, string | undefined>>): string;
