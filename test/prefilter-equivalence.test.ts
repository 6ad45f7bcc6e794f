import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runAudit } from '../src/audit/run.ts';
import { DEFAULT_MAX_FILE_BYTES } from '../src/facts/read.ts';
import { runScan, type ScanResult } from '../src/pipeline/scan.ts';
import { auditPrerequisiteMissing, casesIn } from './support/annotations.ts';
import { repoRoot } from './support/cli.ts';
import { temporaryTrees } from './support/tree.ts';

const writeTree = temporaryTrees('envrace-equivalence-');

/** The text prefilter may only save time: with and without it, every case gives the same findings. */
const comparable = (scan: ScanResult): string[] =>
  scan.findings.map((f) => `${f.ruleId} ${f.location.fileId}:${f.location.span.line + 1}:${f.location.span.column + 1} ${f.message}`);

const scanCases = [
  ...['c', 'rust', 'python', 'javascript'].flatMap((language) => casesIn(path.join(repoRoot, 'test/fixtures', language))),
  ...casesIn(path.join(repoRoot, 'examples')).filter((dir) => !path.basename(dir).startsWith('audit-')),
];

describe('prefiltered and exhaustive scans agree', () => {
  it.each(scanCases.map((dir) => [path.relative(repoRoot, dir), dir]))('%s', async (_name, dir) => {
    const base = { root: repoRoot, paths: [dir], maxFileBytes: DEFAULT_MAX_FILE_BYTES, jobs: 1 };
    const [selected, exhaustive] = [await runScan({ ...base }), await runScan({ ...base, exhaustive: true })];
    expect(comparable(selected)).toEqual(comparable(exhaustive));
  });

  // A dependency's function reached from another dependency through the package's name, under an
  // exported name that is not its own, or as the default export: the caller mentions neither the
  // function nor its file.
  it.each([
    ['exported under another name', 'module.exports = { configure: M };', "lib.configure('fast');"],
    ['the default export', 'module.exports = M;', "lib('fast');"],
  ])('an npm audit where a write is reached as %s', async (_name, exportLine, callLine) => {
    const dir = writeTree({
      'package.json': JSON.stringify({ name: 'app', version: '1.0.0', dependencies: { lib: '1.0.0', mid: '1.0.0' } }),
      'main.js': "const fs = require('fs');\nconst mid = require('mid');\nfunction main() {\n  fs.readFile('/etc/hostname', () => {});\n  mid.prepare();\n}\nmain();\n",
      'node_modules/lib/package.json': JSON.stringify({ name: 'lib', version: '1.0.0', main: 'src/core.js' }),
      'node_modules/lib/src/core.js': `function M(value) {\n  process.env.LIB_MODE = value;\n}\n${exportLine}\n`,
      'node_modules/mid/package.json': JSON.stringify({ name: 'mid', version: '1.0.0', main: 'index.js', dependencies: { lib: '1.0.0' } }),
      'node_modules/mid/index.js': `const lib = require('lib');\nfunction prepare() {\n  ${callLine}\n}\nmodule.exports = { prepare };\n`,
    });
    const base = { dir, includeDev: false, allDeps: false, cargoArgs: [], maxFileBytes: DEFAULT_MAX_FILE_BYTES, jobs: 1 };
    const selected = await runAudit({ ...base });
    const exhaustive = await runAudit({ ...base, exhaustive: true });
    expect(comparable(exhaustive)).toEqual([expect.stringMatching(/^env-mutation-after-thread-spawn main\.js:5:3 /)]);
    expect(comparable(selected)).toEqual(comparable(exhaustive));
  });

  // The other way: the project calls a dependency's default export, through the package's name, and
  // that function starts threadpool work through another file. Its file mentions neither the package
  // nor anything the call names; the call resolves to it all the same.
  it('an npm audit where the threads start behind a default export called through the package name', async () => {
    const dir = writeTree({
      'package.json': JSON.stringify({ name: 'app', version: '1.0.0', dependencies: { spawny: '1.0.0' } }),
      'main.js': "const start = require('spawny');\nfunction main() {\n  start();\n  process.env.MODE = 'fast';\n}\nmain();\n",
      'node_modules/spawny/package.json': JSON.stringify({ name: 'spawny', version: '1.0.0', main: 'src/go.js' }),
      'node_modules/spawny/src/go.js': "const { kick } = require('./kick');\nfunction go() {\n  kick();\n}\nmodule.exports = go;\n",
      'node_modules/spawny/src/kick.js': "const fs = require('fs');\nfunction kick() {\n  fs.readFile('/etc/hostname', () => {});\n}\nmodule.exports = { kick };\n",
    });
    const base = { dir, includeDev: false, allDeps: false, cargoArgs: [], maxFileBytes: DEFAULT_MAX_FILE_BYTES, jobs: 1 };
    const selected = await runAudit({ ...base });
    const exhaustive = await runAudit({ ...base, exhaustive: true });
    expect(comparable(exhaustive)).toEqual([expect.stringMatching(/^env-mutation-after-thread-spawn main\.js:4:3 .*kick\.js:3:3/)]);
    expect(comparable(selected)).toEqual(comparable(exhaustive));
  });

  const cargo = path.join(repoRoot, 'examples/audit-edgedb-cargo');
  const missing = auditPrerequisiteMissing(cargo);
  if (missing) console.warn(`SKIPPED prefilter equivalence on the real Cargo tree: ${missing}`);
  it.skipIf(missing !== undefined)('the real Cargo audit (reqwest, native-tls, openssl-probe and 55 more crates)', async () => {
    const base = { dir: cargo, includeDev: false, allDeps: false, cargoArgs: ['--offline'], maxFileBytes: DEFAULT_MAX_FILE_BYTES };
    const selected = await runAudit({ ...base });
    const exhaustive = await runAudit({ ...base, exhaustive: true });
    expect(comparable(selected)).toEqual(comparable(exhaustive));
    expect(selected.dependencies).toEqual(exhaustive.dependencies);
    expect(selected.audit!.dependencyFilesParsed).toBeLessThanOrEqual(exhaustive.audit!.dependencyFilesParsed);
  }, 300_000);
});
