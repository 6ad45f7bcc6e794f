import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LANGUAGE_EXTENSIONS } from '../src/languages/extensions.ts';
import { repoRoot } from './support/cli.ts';

/**
 * The pre-commit hooks, installed and run by the real pre-commit (Debian's 3.0.4 in CI) from a clean
 * checkout of this repository: `pre-commit try-repo <checkout> ...` in a temporary git repository.
 * pre-commit installs a node hook with `npm install`, `npm pack` (reading the tarball's name from its
 * stdout) and `npm install -g <tarball>`, so this also proves the published package runs without a
 * build step and with its runtime dependencies only.
 */

interface Hook {
  id: string;
  entry: string;
  language: string;
  types_or?: string[];
  files?: string;
  pass_filenames?: boolean;
  require_serial?: boolean;
}

interface Run {
  status: number;
  output: string;
}

const hooksFile = path.join(repoRoot, '.pre-commit-hooks.yaml');
const fixtures = path.join(repoRoot, 'test/precommit');

function works(command: string, args: string[]): boolean {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  return !result.error && result.status === 0;
}

/** Evaluates a short Python program (PyYAML and identify come with pre-commit) and returns its JSON output. */
function python3<T>(program: string, ...args: string[]): T {
  if (!python) throw new Error('no python3 with PyYAML and identify');
  const result = spawnSync(python, ['-c', program, ...args], { encoding: 'utf8' });
  if (result.error || result.status !== 0) throw new Error(`${python} failed: ${result.error?.message ?? result.stderr}`);
  return JSON.parse(result.stdout) as T;
}

/** The interpreter pre-commit itself runs on (its script's #! line), which has PyYAML and identify. */
function preCommitPython(): string | undefined {
  const located = spawnSync('sh', ['-c', 'command -v pre-commit'], { encoding: 'utf8' });
  if (located.status !== 0) return undefined;
  try {
    const shebang = /^#!\s*(\S+)(?:\s+(\S+))?/.exec(readFileSync(located.stdout.trim(), 'utf8').split('\n', 1)[0] ?? '');
    if (!shebang) return undefined;
    return shebang[1]!.endsWith('/env') ? shebang[2] : shebang[1];
  } catch {
    return undefined;
  }
}

const hasGit = works('git', ['--version']);
const hasPreCommit = works('pre-commit', ['--version']);
const python = [process.env.PYTHON, preCommitPython(), 'python3'].find(
  (candidate): candidate is string => candidate !== undefined && works(candidate, ['-c', 'import yaml, identify.identify']),
);
const hasPythonModules = python !== undefined;
const optedOut = process.env.ENVRACE_TEST_PRECOMMIT === '0';

const missingForManifest = hasPythonModules ? undefined : 'a python3 with PyYAML and identify (apt-get install pre-commit)';
const missingForTryRepo = !hasGit
  ? 'missing git (apt-get install git)'
  : !hasPreCommit
    ? 'missing pre-commit (apt-get install pre-commit)'
    : optedOut
      ? 'ENVRACE_TEST_PRECOMMIT=0 is set'
      : undefined;
if (missingForManifest) console.warn(`SKIPPED test/precommit.test.ts manifest checks: missing ${missingForManifest}`);
if (missingForTryRepo) console.warn(`SKIPPED test/precommit.test.ts pre-commit try-repo: ${missingForTryRepo}`);

const hooks = (): Hook[] => python3<Hook[]>('import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))', hooksFile);
const hook = (id: string): Hook => {
  const found = hooks().find((candidate) => candidate.id === id);
  if (!found) throw new Error(`.pre-commit-hooks.yaml has no hook ${id}`);
  return found;
};

describe.skipIf(missingForManifest !== undefined)('.pre-commit-hooks.yaml', () => {
  it('declares the envrace and envrace-audit node hooks', () => {
    expect(hooks().map((candidate) => candidate.id)).toEqual(['envrace', 'envrace-audit']);
    const scan = hook('envrace');
    expect(scan).toMatchObject({ language: 'node', require_serial: true });
    // pre-commit appends the staged files: they must land in --only, the project itself is analyzed whole.
    expect(scan.entry).toMatch(/^envrace scan\b.*--only$/);
    const audit = hook('envrace-audit');
    expect(audit).toMatchObject({ language: 'node', pass_filenames: false });
    expect(audit.entry).toMatch(/^envrace audit\b/);
  });

  it('selects every file envrace analyzes through identify tags that pre-commit knows', () => {
    const types = hook('envrace').types_or ?? [];
    const extensions = Object.values(LANGUAGE_EXTENSIONS).flat();
    const tagged = python3<Record<string, string[]>>(
      'import json, sys\nfrom identify import identify\nprint(json.dumps({e: sorted(identify.tags_from_filename("x" + e)) for e in sys.argv[1:]}))',
      ...extensions,
    );
    const known = python3<string[]>('import json\nfrom identify import identify\nprint(json.dumps(sorted(identify.ALL_TAGS)))');
    expect(types.filter((type) => !known.includes(type))).toEqual([]);
    // identify 2.5 (pre-commit 3.0.x) gives .mts and .cts no tag at all: no types_or can select them.
    const untaggable = extensions.filter((extension) => (tagged[extension] ?? []).length === 0);
    expect(untaggable.filter((extension) => !['.mts', '.cts'].includes(extension))).toEqual([]);
    const missed = extensions.filter((extension) => !untaggable.includes(extension) && !(tagged[extension] ?? []).some((tag) => types.includes(tag)));
    expect(missed).toEqual([]);
  });

  it('runs the audit hook when a manifest or lockfile changes, and only then', () => {
    const pattern = hook('envrace-audit').files ?? '';
    const manifests = [
      'Cargo.toml', 'Cargo.lock', 'crates/core/Cargo.toml', 'package.json', 'web/package-lock.json', 'npm-shrinkwrap.json',
      'requirements.txt', 'requirements-dev.txt', 'requirements/base.txt', 'pyproject.toml', 'setup.py', 'setup.cfg',
      'Pipfile', 'Pipfile.lock', 'poetry.lock', 'uv.lock', 'yarn.lock', 'pnpm-lock.yaml',
    ];
    const others = ['src/main.rs', 'package.json.bak', 'mypackage.json', 'Cargo.toml.orig', 'docs/requirements.md', 'setup.pyc', 'app.py'];
    const matches = python3<Record<string, boolean>>(
      'import json, re, sys\nprint(json.dumps({f: re.search(sys.argv[1], f) is not None for f in sys.argv[2:]}))',
      pattern,
      ...manifests,
      ...others,
    );
    expect(manifests.filter((file) => !matches[file])).toEqual([]);
    expect(others.filter((file) => matches[file])).toEqual([]);
  });
});

describe('the package pre-commit installs', () => {
  const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
    name: string;
    version: string;
    bin: Record<string, string>;
    files: string[];
    scripts?: Record<string, string>;
    dependencies: Record<string, string>;
  };

  it('has no lifecycle script that would run (and print) during npm install or npm pack', () => {
    const lifecycle = ['preinstall', 'install', 'postinstall', 'prepublish', 'preprepare', 'prepare', 'postprepare', 'prepack', 'postpack'];
    expect(Object.keys(manifest.scripts ?? {}).filter((name) => lifecycle.includes(name))).toEqual([]);
    expect(manifest.bin).toEqual({ envrace: 'bin/envrace.js' });
    for (const runtime of ['tsx', 'tree-sitter', 'tree-sitter-c', 'tree-sitter-python', 'tree-sitter-rust', 'commander']) {
      expect(manifest.dependencies, `${runtime} must be a runtime dependency`).toHaveProperty(runtime);
    }
  });

  it('packs every file the CLI reads at run time, and npm pack prints only the tarball name', () => {
    const pack = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: repoRoot, encoding: 'utf8' });
    expect(pack.status, pack.stderr).toBe(0);
    const packed = new Set((JSON.parse(pack.stdout) as Array<{ files: Array<{ path: string }> }>)[0]!.files.map((file) => file.path));
    const walk = (relative: string): string[] =>
      statSync(path.join(repoRoot, relative)).isDirectory()
        ? readdirSync(path.join(repoRoot, relative)).flatMap((name) => walk(path.posix.join(relative, name)))
        : [relative];
    const needed = ['bin', 'src', 'rules', 'repro', 'config.schema.json'].filter((entry) => existsSync(path.join(repoRoot, entry))).flatMap(walk);
    expect(needed.filter((file) => !packed.has(file))).toEqual([]);
    expect(packed.has('package.json')).toBe(true);

    // pre-commit reads the tarball's name from `npm pack`'s whole stdout: nothing else may be printed there.
    const plain = spawnSync('npm', ['pack', '--dry-run'], { cwd: repoRoot, encoding: 'utf8' });
    expect(plain.status, plain.stderr).toBe(0);
    expect(plain.stdout.trim()).toBe(`${manifest.name}-${manifest.version}.tgz`);
  });
});

const tmp = mkdtempSync(path.join(os.tmpdir(), 'envrace-precommit-'));
/** Git without the caller's repository (a test run from inside a git hook has GIT_DIR and GIT_INDEX_FILE set). */
const cleanEnv = (): NodeJS.ProcessEnv =>
  Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('GIT_') && !name.startsWith('PRE_COMMIT')));

function git(cwd: string, ...args: string[]): string {
  const result = spawnSync('git', ['-c', 'safe.directory=*', ...args], { cwd, env: cleanEnv(), encoding: 'utf8' });
  if (result.error || result.status !== 0) throw new Error(`git ${args.join(' ')} in ${cwd}: ${result.error?.message ?? result.stderr}`);
  return result.stdout;
}

function initRepository(dir: string): void {
  mkdirSync(dir, { recursive: true });
  git(dir, 'init', '--quiet', '--initial-branch=main');
  git(dir, 'config', 'user.name', 'envrace test');
  git(dir, 'config', 'user.email', 'envrace-test@example.invalid');
  git(dir, 'config', 'commit.gpgsign', 'false');
}

/**
 * A clean checkout of this repository at HEAD, plus the working tree's copy of what the hook installs
 * (the package's files, its manifest and lockfile, the hook manifest), committed: try-repo installs the
 * checkout's HEAD, so uncommitted work would otherwise be invisible. In a fresh CI clone this adds nothing.
 */
function checkoutOfThisRepository(dest: string): string {
  const isRepository = spawnSync('git', ['-C', repoRoot, 'rev-parse', '--show-toplevel'], { env: cleanEnv(), encoding: 'utf8' });
  if (!isRepository.error && isRepository.status === 0 && path.resolve(isRepository.stdout.trim()) === repoRoot) {
    git(tmp, 'clone', '--quiet', '--no-hardlinks', repoRoot, dest);
    git(dest, 'config', 'user.name', 'envrace test');
    git(dest, 'config', 'user.email', 'envrace-test@example.invalid');
    git(dest, 'config', 'commit.gpgsign', 'false');
  } else {
    initRepository(dest);
  }
  const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { files?: string[] };
  const entries = [...(manifest.files ?? []).filter((entry) => !/[*?[\]!]/.test(entry)), 'package.json', 'package-lock.json', '.pre-commit-hooks.yaml'];
  for (const entry of entries) {
    rmSync(path.join(dest, entry), { recursive: true, force: true });
    if (existsSync(path.join(repoRoot, entry))) {
      cpSync(path.join(repoRoot, entry), path.join(dest, entry), { recursive: true, filter: (source) => path.basename(source) !== 'node_modules' });
    }
  }
  git(dest, 'add', '--all');
  if (git(dest, 'status', '--porcelain').trim() !== '') git(dest, 'commit', '--quiet', '--no-verify', '-m', 'working tree under test');
  return dest;
}

/** A git repository holding a copy of a project under test/precommit, every file staged as for a commit. */
function projectRepository(name: string, copy: string): string {
  const dir = path.join(tmp, copy);
  initRepository(dir);
  cpSync(path.join(fixtures, name), dir, { recursive: true });
  git(dir, 'add', '--all');
  return dir;
}

/** pre-commit's report, per hook: its status line (name....Passed) and what follows it. */
function hookReports(output: string): Map<string, { status: string; body: string }> {
  const reports = new Map<string, { status: string; body: string }>();
  let current: { status: string; body: string } | undefined;
  for (const line of output.split('\n')) {
    const status = /^(.+?)\.{3,}(?:\(no files to check\))?(Passed|Failed|Skipped)$/.exec(line);
    if (status) reports.set(status[1]!, (current = { status: status[2]!, body: '' }));
    else if (current) current.body += `${line}\n`;
  }
  return reports;
}

/** `pre-commit try-repo`, asynchronously so that two hook installs can proceed side by side. */
function preCommitTryRepo(cwd: string, args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn('pre-commit', ['try-repo', '--color', 'never', ...args], {
      cwd,
      env: {
        ...cleanEnv(),
        // try-repo installs into a fresh store of its own; this keeps anything else off the user's cache.
        PRE_COMMIT_HOME: path.join(tmp, 'pre-commit-home'),
        NO_COLOR: '1',
        // Only what npm prints or asks the network for, never what it installs.
        npm_config_audit: 'false',
        npm_config_fund: 'false',
        npm_config_update_notifier: 'false',
        npm_config_prefer_offline: 'true',
        // node-gyp: where a native prebuild does not load (tree-sitter needs a newer libstdc++ than Debian 12's), compile in parallel.
        JOBS: 'max',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ status: code ?? -1, output }));
  });
}

const INSTALL_TIMEOUT_MS = 600_000;

const SCAN_HOOK = 'envrace (environment mutation after a thread spawn)';
const AUDIT_HOOK = 'envrace audit (dependencies that mutate the environment)';

describe.skipIf(missingForTryRepo !== undefined)('pre-commit try-repo (the real pre-commit, npm and registry)', () => {
  let failing: Run;
  let passing: Run;

  beforeAll(async () => {
    const checkout = checkoutOfThisRepository(path.join(tmp, 'envrace-checkout'));
    // racy-project: app.py starts a thread, then calls settings.apply_settings(), which writes os.environ.
    // Every try-repo installs the hook into a store of its own (1-2 minutes: npm install, npm pack,
    // npm install -g), so the two runs go side by side, each in its own copy of the project.
    [failing, passing] = await Promise.all([
      // Every hook of the manifest, on the files a commit touching the settings and the manifest passes.
      preCommitTryRepo(projectRepository('racy-project', 'commit-settings'), [checkout, '--files', 'settings.py', 'report.c', 'package.json']),
      // The scan hook alone, on a commit that leaves settings.py alone.
      preCommitTryRepo(projectRepository('racy-project', 'commit-others'), [checkout, 'envrace', '--files', 'report.c', 'app.py']),
    ]);
  }, INSTALL_TIMEOUT_MS);

  it('fails a staged file whose environment write races with a thread started in another file', () => {
    expect(failing.status, failing.output).toBe(1);
    const scan = hookReports(failing.output).get(SCAN_HOOK);
    expect(scan?.status, failing.output).toBe('Failed');
    expect(scan?.body).toContain('- hook id: envrace\n');
    // The write is in the staged settings.py; the spawn is in app.py, which was not staged: the whole project was analyzed.
    expect(scan?.body).toMatch(/^settings\.py:7:5: error env-mutation-after-thread-spawn: .*app\.py:14:5/m);
    // report.c was staged too, and has nothing to report.
    expect(scan?.body).not.toMatch(/^report\.c:\d+/m);
  });

  it('runs the audit hook because package.json changed, and it reports the project with its dependencies', () => {
    const audit = hookReports(failing.output).get(AUDIT_HOOK);
    expect(audit?.status, failing.output).toBe('Failed');
    expect(audit?.body).toContain('- hook id: envrace-audit\n');
    expect(audit?.body).toMatch(/^settings\.py:7:5: error env-mutation-after-thread-spawn/m);
    expect(audit?.body).toContain('No dependency writes the environment.');
  });

  it('passes staged files without findings, even though the project has a race elsewhere', () => {
    expect(passing.status, passing.output).toBe(0);
    expect(hookReports(passing.output).get(SCAN_HOOK)?.status, passing.output).toBe('Passed');
    expect(hookReports(passing.output).has(AUDIT_HOOK)).toBe(false);
  });
});

afterAll(() => rmSync(tmp, { recursive: true, force: true }));
