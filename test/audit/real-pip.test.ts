import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../src/analyze/finding.ts';
import { runAudit } from '../../src/audit/run.ts';
import type { ScanResult } from '../../src/pipeline/scan.ts';

/**
 * The real case: Debian's python3-requests (2.28.1 in /usr/lib/python3/dist-packages, an `.egg-info`
 * without a file list), audited through /usr/bin/python3. `requests.get` → `api.request` →
 * `Session.request` → `Session.merge_environment_settings` → `utils.get_environ_proxies` →
 * `utils.should_bypass_proxies` → `with utils.set_environ("no_proxy", ...)`, whose body assigns
 * `os.environ[env_name]`: called from a ThreadPoolExecutor worker, that write races with the others.
 */
const PYTHON = '/usr/bin/python3';
const probe = spawnSync(PYTHON, ['-c', 'import requests, sys; sys.stdout.write(requests.__version__)'], { encoding: 'utf8' });
const available = probe.status === 0;
if (!available) {
  console.warn(`SKIPPED the real pip audit: ${PYTHON} cannot import requests; install Debian's python3 and python3-requests (apt-get install python3-requests)`);
}

const APP = `import os
from concurrent.futures import ThreadPoolExecutor

import requests

URLS = ["https://example.com/a", "https://example.com/b"]


def fetch(url):
    response = requests.get(url, timeout=5)
    return response.status_code


def main():
    os.environ["APP_STAGE"] = "starting"
    with ThreadPoolExecutor(max_workers=4) as pool:
        codes = list(pool.map(fetch, URLS))
    os.environ["APP_STAGE"] = "done"
    return codes


if __name__ == "__main__":
    main()
`;

/** 0-based line of the first line of APP containing `text`. */
const lineOf = (text: string): number => {
  const index = APP.split('\n').findIndex((line) => line.includes(text));
  if (index < 0) throw new Error(`no line with ${text}`);
  return index;
};

const scratch = mkdtempSync(path.join(os.tmpdir(), 'envrace-real-pip-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe.skipIf(!available)(`envrace audit on a Python app using the real requests ${probe.stdout}`, () => {
  const dir = path.join(scratch, 'weather-app');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'app.py'), APP);
  let cached: Promise<ScanResult> | undefined;
  const audit = (): Promise<ScanResult> =>
    (cached ??= runAudit({ dir, includeDev: false, allDeps: false, python: PYTHON, cargoArgs: [], maxFileBytes: 4 * 1024 * 1024 }));

  const races = async (): Promise<Finding[]> => (await audit()).findings.filter((finding) => finding.ruleId === 'env-mutation-after-thread-spawn');

  it('resolves the environment of /usr/bin/python3 without errors', async () => {
    const result = await audit();
    expect(result.audit?.ecosystems).toEqual(['pip']);
    expect(result.skipped.filter((skip) => skip.file === '(python environment)')).toEqual([]);
    expect(result.audit!.dependencyFilesParsed).toBeGreaterThan(0);
  });

  it('reports the requests.get call made in a pool worker, at the call in the project', async () => {
    const found = (await races()).filter((finding) => finding.location.fileId === 'app.py');
    expect(found.map((finding) => finding.location.span.line)).toEqual([lineOf('requests.get(')]);
    expect(found[0]!.message).toMatch(/weather-app → requests \d/);
  });

  it('follows the flow into requests/utils.py, to the os.environ write of set_environ', async () => {
    const finding = (await races()).find((candidate) => candidate.location.span.line === lineOf('requests.get('))!;
    const steps = finding.threads[0]!.steps;
    const write = steps[steps.length - 1]!;
    expect(write.kind).toBe('write');
    expect(write.fileId).toMatch(/(^|\/)requests\/utils\.py$/);
    expect(write.functionName).toBe('set_environ');
    expect(steps.some((step) => step.kind === 'call' && step.fileId.endsWith('requests/sessions.py'))).toBe(true);
    expect(steps.some((step) => step.fileId === 'app.py' && step.kind === 'spawn')).toBe(true);
    expect(finding.related.some((related) => related.fileId.endsWith('requests/utils.py'))).toBe(true);
  });

  it('does not report the writes before the pool and after its with block', async () => {
    const lines = (await audit()).findings.filter((finding) => finding.location.fileId === 'app.py').map((finding) => finding.location.span.line);
    expect(lines).not.toContain(lineOf('"starting"'));
    expect(lines).not.toContain(lineOf('"done"'));
  });

  it('lists requests in the dependency report, reached after a spawn', async () => {
    const requests = (await audit()).dependencies?.find((dependency) => dependency.name === 'requests');
    expect(requests).toBeDefined();
    expect(requests!.ecosystem).toBe('pip');
    expect(requests!.reachedAfterSpawn).toBe(true);
    expect(requests!.paths[0]).toMatch(/^weather-app → requests \d/);
    expect(requests!.writes.some((write) => write.file.endsWith('requests/utils.py'))).toBe(true);
    expect(requests!.publicFunctions).toContain('set_environ');
  });
});
