import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, writeFileSync, appendFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, runCli } from './support/cli.ts';

function entries(cacheHome: string): string[] {
  const root = path.join(cacheHome, 'envrace', 'facts');
  // Shards are one hex digit; the directory also holds the prune marker.
  const shards = readdirSync(root).filter((shard) => /^[0-9a-f]$/.test(shard));
  return shards.flatMap((shard) => readdirSync(path.join(root, shard)).map((name) => path.join(root, shard, name))).sort();
}

describe('fact cache', () => {
  const project = mkdtempSync(path.join(os.tmpdir(), 'envrace-cache-project-'));
  cpSync(path.join(repoRoot, 'examples/c-system-race'), path.join(project, 'c'), { recursive: true });
  cpSync(path.join(repoRoot, 'examples/python-uwsgi-build'), path.join(project, 'py'), { recursive: true });
  const scan = (cacheHome: string, ...extra: string[]) =>
    runCli(['scan', project, '--root', project, '-f', 'json', '--exhaustive', ...extra], { env: { XDG_CACHE_HOME: cacheHome } });

  it('serves unchanged files from the cache and re-extracts only a changed one', () => {
    const cacheHome = mkdtempSync(path.join(os.tmpdir(), 'envrace-cache-'));
    const cold = scan(cacheHome);
    const first = entries(cacheHome);
    expect(first.length).toBe(2);
    const warm = scan(cacheHome);
    expect(warm.stdout).toBe(cold.stdout);
    expect(entries(cacheHome)).toEqual(first);
    appendFileSync(path.join(project, 'py/build.py'), '\n# edited\n');
    scan(cacheHome);
    const after = entries(cacheHome);
    expect(after.length).toBe(3);
    expect(after.filter((entry) => !first.includes(entry)).length).toBe(1);
  });

  it('ignores and rebuilds a corrupt entry', () => {
    const cacheHome = mkdtempSync(path.join(os.tmpdir(), 'envrace-cache-'));
    const clean = scan(cacheHome);
    for (const entry of entries(cacheHome)) writeFileSync(entry, '{"truncated": ');
    const rebuilt = scan(cacheHome);
    expect(rebuilt.status).toBe(clean.status);
    expect(rebuilt.stdout).toBe(clean.stdout);
  });

  it('writes nothing with --no-cache', () => {
    const cacheHome = mkdtempSync(path.join(os.tmpdir(), 'envrace-cache-'));
    scan(cacheHome, '--no-cache');
    expect(() => entries(cacheHome)).toThrow();
  });

  it('survives concurrent runs sharing one cache', async () => {
    const cacheHome = mkdtempSync(path.join(os.tmpdir(), 'envrace-cache-'));
    const reference = scan(cacheHome, '--no-cache').stdout;
    const runOnce = () =>
      new Promise<string>((resolve) => {
        const child = spawn(process.execPath, [path.join(repoRoot, 'bin/envrace.js'), 'scan', project, '--root', project, '-f', 'json', '--exhaustive'], {
          env: { ...process.env, XDG_CACHE_HOME: cacheHome, NO_COLOR: '1' },
        });
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
        child.on('close', () => resolve(out));
      });
    const outputs = await Promise.all([runOnce(), runOnce(), runOnce()]);
    for (const output of outputs) expect(output).toBe(reference);
    expect(scan(cacheHome).stdout).toBe(reference);
  });
});
