import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import type * as Sarif from 'sarif';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, runCli } from './support/cli.ts';

const require = createRequire(import.meta.url);
// CommonJS packages whose default export TypeScript's NodeNext typing does not see as callable.
const Ajv = require('ajv-draft-04') as typeof import('ajv-draft-04').default;
const addFormats = require('ajv-formats') as typeof import('ajv-formats').default;
let sarifText = '';
let log: Sarif.Log;
const workDir = mkdtempSync(path.join(os.tmpdir(), 'envrace-sarif-'));
const sarifPath = path.join(workDir, 'examples.sarif');

beforeAll(() => {
  const run = runCli(['scan', 'examples', '--format', 'sarif', '--output', sarifPath]);
  expect(run.status, run.stderr).toBe(1);
  sarifText = readFileSync(sarifPath, 'utf8');
  log = JSON.parse(sarifText) as Sarif.Log;
});

describe('SARIF of the examples', () => {
  it('validates against the OASIS SARIF 2.1.0 (errata01) schema', () => {
    const schema = JSON.parse(readFileSync(path.join(repoRoot, 'test/schemas/sarif-schema-2.1.0.json'), 'utf8')) as object;
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    const validate = ajv.compile(schema);
    const valid = validate(log);
    expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 2)).toEqual([]);
    expect(valid).toBe(true);
  });

  it('passes the SARIF Multitool with --rule-kind "Gh;Sarif": 0 errors, 0 warnings', () => {
    const multitool = require('@microsoft/sarif-multitool-linux') as string;
    const out = path.join(workDir, 'validation.sarif');
    const run = spawnSync(multitool, ['validate', '--rule-kind', 'Gh;Sarif', '--output', out, sarifPath], {
      encoding: 'utf8',
      env: { ...process.env, DOTNET_SYSTEM_GLOBALIZATION_INVARIANT: '1' },
    });
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
    const validation = JSON.parse(readFileSync(out, 'utf8')) as Sarif.Log;
    const problems = (validation.runs[0]?.results ?? []).map((r) => `${r.level} ${r.ruleId}: ${r.message.text ?? ''}`);
    expect(problems, problems.join('\n')).toEqual([]);
  });

  it('describes every rule from rules/ and points results at them', () => {
    const run = log.runs[0]!;
    const ids = run.tool.driver.rules!.map((rule) => rule.id);
    expect(ids).toEqual(['env-mutating-public-api', 'env-mutation-after-thread-spawn', 'invalid-suppression', 'libc-symbol-interposition']);
    for (const rule of run.tool.driver.rules!) {
      expect(rule.help?.markdown).toMatch(/## Why is this bad/);
      expect(rule.properties?.['security-severity']).toMatch(/^\d+\.\d$/);
    }
    for (const result of run.results!) expect(ids[result.ruleIndex!]).toBe(result.ruleId);
    expect(run.automationDetails?.id).toBe('envrace/');
  });

  it('gives race results a codeFlow with one threadFlow per thread, related locations and a line hash', () => {
    const races = log.runs[0]!.results!.filter((result) => result.ruleId === 'env-mutation-after-thread-spawn');
    expect(races.length).toBeGreaterThanOrEqual(4);
    for (const result of races) {
      expect(result.codeFlows?.[0]?.threadFlows.length).toBe(2);
      expect(result.codeFlows![0]!.threadFlows[0]!.locations.length).toBeGreaterThanOrEqual(2);
      expect(result.relatedLocations?.length).toBeGreaterThanOrEqual(1);
      expect(result.partialFingerprints?.primaryLocationLineHash).toMatch(/^[0-9a-f]+:\d+$/);
      expect(result.locations![0]!.physicalLocation!.artifactLocation!.uriBaseId).toBe('%SRCROOT%');
    }
  });

  it('is byte-identical across two runs', () => {
    const second = path.join(workDir, 'second.sarif');
    const run = runCli(['scan', 'examples', '--format', 'sarif', '--output', second]);
    expect(run.status).toBe(1);
    expect(readFileSync(second, 'utf8')).toBe(sarifText);
  });

  it('honours --category in automationDetails.id', () => {
    const run = runCli(['scan', 'examples/c-system-race', '--format', 'sarif', '--category', 'envrace/c']);
    const parsed = JSON.parse(run.stdout) as Sarif.Log;
    expect(parsed.runs[0]!.automationDetails?.id).toBe('envrace/c/');
    writeFileSync(path.join(workDir, 'c.sarif'), run.stdout);
  });
});
