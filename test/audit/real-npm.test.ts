import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runAudit } from '../../src/audit/run.ts';
import type { ScanResult } from '../../src/pipeline/scan.ts';

/**
 * The real case of issue 3 for npm: the real `dotenv` 16, installed from the registry by the real npm
 * into a fresh project, and a server that loads `.env` twice: once at the top level, before any
 * threadpool work (safe, not reported), and once in an HTTP request handler after `listen` (reported
 * in server.js, with a flow into dotenv's `populate`, which writes through its `processEnv` parameter).
 */
const SERVER = `const http = require('http');

// Before any threadpool work: only the main thread exists, this is fine.
require('dotenv').config(); // TOP-LEVEL CONFIG

const port = Number(process.env.PORT || 0);
const server = http.createServer((req, res) => {
  // Handlers run after listen(): libuv's threadpool and V8's platform threads are alive.
  require('dotenv').config({ path: '.env.local' }); // HANDLER CONFIG
  res.end('ok');
});
server.listen(port, '127.0.0.1');
`;

const dir = mkdtempSync(path.join(os.tmpdir(), 'envrace-real-npm-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify({ name: 'dotenv-server', version: '1.0.0', private: true, main: 'server.js' }, null, 2)}\n`);
writeFileSync(path.join(dir, 'server.js'), SERVER);

const install = spawnSync('npm', ['install', 'dotenv@16', '--no-audit', '--no-fund', '--loglevel=error'], {
  cwd: dir,
  encoding: 'utf8',
  timeout: 180_000,
  // Under `npm test`, npm exports its own project's prefix; the install must happen in the temporary project.
  env: { ...process.env, npm_config_update_notifier: 'false', npm_config_local_prefix: undefined },
});
const installed = install.status === 0;
if (!installed) {
  const lines = `${install.stderr ?? ''}\n${install.stdout ?? ''}`.split('\n');
  const errors = lines.filter((line) => /^npm (error|ERR!)\s*\S/.test(line)).map((line) => line.replace(/^npm (error|ERR!)\s*/, ''));
  const why = install.error ? install.error.message : (errors.length > 0 ? errors : lines.filter((line) => line.trim() !== '')).slice(0, 2).join(' | ') || `exit ${install.status}`;
  rmSync(dir, { recursive: true, force: true });
  console.warn(`SKIPPED test/audit/real-npm.test.ts: \`npm install dotenv@16\` failed (${why}). It needs npm on PATH and the npm registry reachable.`);
}

const lineOf = (text: string, marker: string): number => text.split('\n').findIndex((line) => line.includes(marker)) + 1;

describe.skipIf(!installed)('envrace audit on a Node server using the real dotenv 16', () => {
  let result: ScanResult;
  let mainJs = '';
  const audit = async (): Promise<ScanResult> => {
    if (!result) {
      result = await runAudit({ dir, includeDev: false, allDeps: false, cargoArgs: [], maxFileBytes: 2 * 1024 * 1024 });
      mainJs = readFileSync(path.join(dir, 'node_modules/dotenv/lib/main.js'), 'utf8');
    }
    return result;
  };

  it('installed dotenv 16 with a v3 lockfile', () => {
    const lock = JSON.parse(readFileSync(path.join(dir, 'package-lock.json'), 'utf8')) as { lockfileVersion: number; packages: Record<string, { version?: string }> };
    expect(lock.lockfileVersion).toBeGreaterThanOrEqual(2);
    expect(lock.packages['node_modules/dotenv']?.version).toMatch(/^16\./);
  });

  it('reports config() in the request handler, in server.js, and not the top-level call', async () => {
    const { findings, audit: summary } = await audit();
    expect(summary?.ecosystems).toEqual(['npm']);
    const inServer = findings.filter((finding) => finding.location.fileId === 'server.js');
    expect(inServer.map((finding) => [finding.ruleId, finding.location.span.line + 1])).toEqual([
      ['env-mutation-after-thread-spawn', lineOf(SERVER, 'HANDLER CONFIG')],
    ]);
    expect(findings.some((finding) => finding.location.span.line + 1 === lineOf(SERVER, 'TOP-LEVEL CONFIG') && finding.location.fileId === 'server.js')).toBe(false);
    expect(inServer[0]!.message).toMatch(/dotenv-server → dotenv 16\.\d+\.\d+/);
  });

  it('follows the flow into dotenv, to populate() writing through its processEnv parameter', async () => {
    const { findings } = await audit();
    const finding = findings.find((f) => f.location.fileId === 'server.js')!;
    const steps = finding.threads[0]!.steps;
    expect(steps[0]!.fileId).toBe('server.js');
    expect(steps[0]!.span.line + 1).toBe(lineOf(SERVER, 'server.listen('));
    expect(steps.some((step) => step.fileId === 'server.js' && step.span.line + 1 === lineOf(SERVER, 'HANDLER CONFIG'))).toBe(true);
    const write = steps.at(-1)!;
    expect(write.fileId).toBe('node_modules/dotenv/lib/main.js');
    expect(write.message).toMatch(/processEnv/);
    // The write is `processEnv[key] = parsed[key]` inside `function populate (processEnv, parsed, ...)`.
    const lines = mainJs.split('\n');
    expect(lines[write.span.line]).toMatch(/processEnv\[key\]\s*=\s*parsed\[key\]/);
    const populateStart = lines.findIndex((line) => /^function populate\s*\(processEnv/.test(line));
    expect(populateStart).toBeGreaterThanOrEqual(0);
    expect(write.span.line).toBeGreaterThan(populateStart);
    expect(steps.some((step) => step.fileId === 'node_modules/dotenv/lib/main.js' && /populate/.test(step.message))).toBe(true);
    expect(finding.related.some((related) => related.fileId === 'node_modules/dotenv/lib/main.js' && /environment write in the dependency/.test(related.message))).toBe(true);
  });

  it('lists dotenv in the dependency report as reached after a spawn, with its public API', async () => {
    const { dependencies, audit: summary } = await audit();
    const dotenv = dependencies?.find((dep) => dep.name === 'dotenv');
    expect(dotenv).toMatchObject({ ecosystem: 'npm', reachedAfterSpawn: true });
    expect(dotenv!.version).toMatch(/^16\./);
    expect(dotenv!.paths).toEqual([`dotenv-server → dotenv ${dotenv!.version}`]);
    expect(dotenv!.publicFunctions).toContain('config');
    expect(summary!.packages).toBe(1);
    expect(summary!.dependencyFilesPresent).toBeGreaterThan(summary!.dependencyFilesParsed);
  });

  it('selects sources only, and the prefilter parses fewer of them with the same findings', async () => {
    const selected = await audit();
    const exhaustive = await runAudit({ dir, includeDev: false, allDeps: false, cargoArgs: [], maxFileBytes: 2 * 1024 * 1024, exhaustive: true });
    // Sources only: lib/main.js, lib/env-options.js, lib/cli-options.js, config.js (no .d.ts, no docs).
    expect(exhaustive.audit!.dependencyFilesParsed).toBe(4);
    expect(selected.audit!.dependencyFilesParsed).toBeLessThan(4);
    const key = (scan: ScanResult) => scan.findings.map((f) => `${f.ruleId} ${f.location.fileId}:${f.location.span.line} ${f.message}`);
    expect(key(selected)).toEqual(key(exhaustive));
  });
});
