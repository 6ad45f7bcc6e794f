// The shipped C source of the reproducer (repro/envrace-repro.c, in the npm package's `files`).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ENVRACE_VERSION } from '../version.ts';

export const REPRO_SOURCE_PATH: string = fileURLToPath(new URL('../../repro/envrace-repro.c', import.meta.url));

export interface ReproSource {
  text: string;
  sha256: string;
}

let cached: ReproSource | undefined;

export function readReproSource(): ReproSource {
  if (!cached) {
    const text = readFileSync(REPRO_SOURCE_PATH, 'utf8');
    cached = { text, sha256: createHash('sha256').update(text).digest('hex') };
  }
  return cached;
}

/** The source as `--emit-c` writes it: a header saying where it came from and how to build and run it elsewhere. */
export function emittedSource(fileName = 'envrace-repro.c'): string {
  const { text, sha256 } = readReproSource();
  const header = [
    `/* Written by envrace ${ENVRACE_VERSION} (envrace repro --emit-c); source sha256 ${sha256}.`,
    ' *',
    ' * To confirm the environment race on another machine (another CPU, libc or allocator), copy this file there and run:',
    ` *     cc -O2 -pthread -o envrace-repro ${fileName} && ./envrace-repro`,
    ' * It takes the same options as `envrace repro` (./envrace-repro --help) and prints the same verdict;',
    ' * add --format json for the machine-readable one. Exit status: 0 not reproduced, 1 confirmed, 2 error, 3 inconclusive.',
    ' * Cross-compiling works too (aarch64-linux-gnu-gcc -O2 -pthread ...), but run the result on real hardware:',
    ' * an emulator has neither the target\'s timing nor its memory model. Needs only C11, libc and pthreads.',
    ' */',
    '',
  ].join('\n');
  return header + text;
}
