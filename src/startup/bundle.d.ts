/** What the bundle is built from: a hex key of `<root>/src` (paths, sizes, mtimes), package.json, the lockfiles and the esbuild version. */
export function bundleKey(root: string, esbuildVersion: string): string;

/** The CLI from the bundle in the cache, built first if the sources changed; undefined where that is not possible. */
export function loadBundledCli(): Promise<typeof import('../cli.ts') | undefined>;
