import { readFileSync } from 'node:fs';

const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string; homepage: string };

export const ENVRACE_VERSION: string = manifest.version;
export const ENVRACE_HOMEPAGE: string = manifest.homepage;
