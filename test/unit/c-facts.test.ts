import { describe, expect, it } from 'vitest';
import { fn } from '../support/facts.ts';
import { loadCatalog } from '../../src/catalog/load.ts';
import type { Catalog } from '../../src/catalog/types.ts';
import type { Event, FileFacts, FunctionFact } from '../../src/facts/types.ts';
import { cAdapter } from '../../src/languages/c/extract.ts';

const catalog = loadCatalog('c');

function extract(source: string, withCatalog: Catalog = catalog): FileFacts {
  return cAdapter.extract(source, withCatalog, { extension: '.c' });
}

/** Events without spans, for compact comparisons; `line` is 1-based. */
function brief(events: readonly Event[]): Array<Record<string, unknown>> {
  return events.map(({ span, ...rest }) => ({ line: span.line + 1, ...rest }));
}

describe('C catalog', () => {
  it('gives every entry a unique id, names and a documentation link', () => {
    const ids = catalog.entries.map((entry) => entry.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const entry of catalog.entries) {
      expect(entry.names.length, entry.id).toBeGreaterThan(0);
      expect(entry.description, entry.id).toMatch(/\.$/);
      expect(entry.source, entry.id).toMatch(/^https:\/\/(man7\.org|en\.cppreference\.com|docs\.gtk\.org|docs\.libuv\.org)\//);
    }
  });

  it('lists every reader and exec function the design names', () => {
    const named = (kind: string): string[] => catalog.entries.filter((entry) => entry.kind === kind).flatMap((entry) => entry.names);
    expect(named('env.read')).toEqual(expect.arrayContaining(['getenv', 'secure_getenv', 'getaddrinfo', 'gettext', 'strerror', 'localtime', 'mktime', 'tzset', 'setlocale', 'dlopen']));
    expect(named('exec')).toEqual(expect.arrayContaining(['execve', 'execvp', 'system', 'popen', 'posix_spawn', 'posix_spawnp', 'fexecve']));
    expect(named('interposable').sort()).toEqual(['calloc', 'free', 'getenv', 'malloc', 'putenv', 'realloc', 'setenv']);
  });
});

describe('C facts: functions', () => {
  const facts = extract(`#include <pthread.h>
#include "util/env.h"
static void *worker(void *arg);
void *worker(void *arg) { return arg; }
static int helper(int a, char **argv) { return a; }
int main(int argc, char **argv) { return helper(argc, argv); }
void *malloc(size_t n) { return 0; }
static void *free_list(void *p) { return p; }
static void free(void *p) {}
#ifdef FAST
int pick(void) { return 1; }
#else
int pick(void) { return 2; }
#endif
`);

  it('keys functions by name and numbers a second definition of the same name', () => {
    expect(facts.functions.map((f) => f.key)).toEqual(['worker', 'helper', 'main', 'malloc', 'free_list', 'free', 'pick', 'pick#2']);
    expect(fn(facts, 'pick#2').name).toBe('pick');
  });

  it('marks static functions, including those declared static only by an earlier prototype, as not exported', () => {
    expect(fn(facts, 'worker').exported).toBe(false);
    expect(fn(facts, 'helper').exported).toBe(false);
    expect(fn(facts, 'main').exported).toBe(true);
    expect(fn(facts, 'pick').exported).toBe(true);
  });

  it('gives main the main entry and lists parameter names', () => {
    expect(fn(facts, 'main').entry).toBe('main');
    expect(fn(facts, 'helper').entry).toBeUndefined();
    expect(fn(facts, 'main').params).toEqual(['argc', 'argv']);
    expect(fn(facts, 'pick').params).toEqual([]);
  });

  it('sets interposes for non-static definitions of libc symbols only', () => {
    expect(fn(facts, 'malloc').interposes).toEqual({ symbol: 'malloc', api: 'c.libc.interpose.malloc' });
    expect(fn(facts, 'free').interposes).toBeUndefined();
    expect(fn(facts, 'free_list').interposes).toBeUndefined();
  });

  it('reports the name span (0-based, on the identifier) and the whole definition span', () => {
    const malloc = fn(facts, 'malloc');
    expect(malloc.nameSpan).toEqual({ line: 6, column: 6, endLine: 6, endColumn: 12 });
    expect(malloc.span).toEqual({ line: 6, column: 0, endLine: 6, endColumn: 36 });
  });

  it('records #include directives as include imports', () => {
    expect(facts.imports.map(({ kind, local, source, imported }) => ({ kind, local, source, imported }))).toEqual([
      { kind: 'include', local: 'pthread.h', source: '<pthread.h>', imported: '*' },
      { kind: 'include', local: 'util/env.h', source: 'util/env.h', imported: '*' },
    ]);
    expect(facts.imports[1]!.span.line).toBe(1);
  });

  it('does not create functions for prototypes', () => {
    const header = extract('int helper(int a);\nstatic void *worker(void *arg);\nextern char **environ;\n');
    expect(header.functions).toEqual([]);
  });
});

describe('C facts: environment APIs', () => {
  it('emits writes with the literal variable name, including the NAME of putenv("NAME=value")', () => {
    const facts = extract(`int main(void) {
  setenv("SSL_CERT_FILE", path, 1);
  putenv("TZ=UTC");
  putenv(buffer);
  unsetenv("LANG");
  clearenv();
}`);
    expect(brief(fn(facts, 'main').events)).toEqual([
      { line: 2, kind: 'env.write', api: 'c.libc.setenv', variable: 'SSL_CERT_FILE', loops: [], branches: [] },
      { line: 3, kind: 'env.write', api: 'c.libc.putenv', variable: 'TZ', loops: [], branches: [] },
      { line: 4, kind: 'env.write', api: 'c.libc.putenv', loops: [], branches: [] },
      { line: 5, kind: 'env.write', api: 'c.libc.unsetenv', variable: 'LANG', loops: [], branches: [] },
      { line: 6, kind: 'env.write', api: 'c.libc.clearenv', loops: [], branches: [] },
    ]);
  });

  it('treats assignments to environ and to its elements as writes, whole-statement span', () => {
    const facts = extract(`extern char **environ;
int main(void) {
  environ = fresh;
  __environ[0] = "A=1";
  *(environ + 2) = 0;
  char **saved = environ;
  saved = fresh;
}`);
    const events = fn(facts, 'main').events;
    expect(brief(events)).toEqual([
      { line: 3, kind: 'env.write', api: 'c.libc.environ-assign', loops: [], branches: [] },
      { line: 4, kind: 'env.write', api: 'c.libc.environ-assign', loops: [], branches: [] },
      { line: 5, kind: 'env.write', api: 'c.libc.environ-assign', loops: [], branches: [] },
    ]);
    expect(events[0]!.span).toEqual({ line: 2, column: 2, endLine: 2, endColumn: 17 });
  });

  it('emits readers and exec calls, with the variable of getenv', () => {
    const facts = extract(`int main(void) {
  const char *home = getenv("HOME");
  getaddrinfo(host, 0, 0, &res);
  localtime(&now);
  system("ls");
  execvp(argv[0], argv);
  posix_spawn(&pid, path, 0, 0, argv, environ);
}`);
    expect(brief(fn(facts, 'main').events)).toEqual([
      { line: 2, kind: 'env.read', api: 'c.libc.getenv', variable: 'HOME', loops: [], branches: [] },
      { line: 3, kind: 'env.read', api: 'c.libc.getaddrinfo', loops: [], branches: [] },
      { line: 4, kind: 'env.read', api: 'c.libc.localtime', loops: [], branches: [] },
      { line: 5, kind: 'exec', api: 'c.libc.system', loops: [], branches: [] },
      { line: 6, kind: 'exec', api: 'c.libc.execvp', loops: [], branches: [] },
      { line: 7, kind: 'exec', api: 'c.libc.posix_spawn', loops: [], branches: [] },
    ]);
  });

  it('orders nested calls by start position: the write before the read in its argument', () => {
    const facts = extract('int main(void) { setenv("X", getenv("Y"), 1); }');
    expect(fn(facts, 'main').events.map((e) => [e.kind, e.span.column])).toEqual([
      ['env.write', 17],
      ['env.read', 29],
    ]);
  });

  it('follows function-pointer aliases of catalog APIs, local and file-scope', () => {
    const facts = extract(`static int (*set_env_fn)(const char *, const char *, int) = setenv;
int main(void) {
  int (*put)(char *) = &putenv;
  put("A=1");
  set_env_fn("B", "2", 1);
  (*put)("C=3");
}
void shadowed(int (*set_env_fn)(const char *, const char *, int)) { set_env_fn("D", "4", 1); }`);
    expect(brief(fn(facts, 'main').events)).toEqual([
      { line: 4, kind: 'env.write', api: 'c.libc.putenv', variable: 'A', loops: [], branches: [] },
      { line: 5, kind: 'env.write', api: 'c.libc.setenv', variable: 'B', loops: [], branches: [] },
      { line: 6, kind: 'env.write', api: 'c.libc.putenv', variable: 'C', loops: [], branches: [] },
    ]);
    expect(brief(fn(facts, 'shadowed').events)).toEqual([
      { line: 8, kind: 'call', callee: { name: 'set_env_fn', path: ['set_env_fn'] }, loops: [], branches: [] },
    ]);
  });

  it('lets a local declaration hide a file-scope alias', () => {
    const facts = extract(`static int (*set_env_fn)(const char *, const char *, int) = setenv;
void local_pointer(void) {
  int (*set_env_fn)(const char *, const char *, int);
  set_env_fn = lookup_setter();
  set_env_fn("A", "1", 1);
}`);
    expect(fn(facts, 'local_pointer').events.map((e) => (e.kind === 'call' ? e.callee.name : e.kind))).toEqual(['lookup_setter', 'set_env_fn']);
  });

  it('follows local aliases of environ to element writes and to arguments', () => {
    const facts = extract(`extern char **environ;
static void apply(char **env, const char *entry) { env[0] = (char *)entry; }
static void forward(int unused, char **env) { apply(env, "X=1"); }
int main(void) {
  char **env = environ;
  env[1] = "A=1";
  apply(env, "B=2");
  forward(0, environ);
}`);
    expect(brief(fn(facts, 'apply').events)).toEqual([{ line: 2, kind: 'env.write', api: 'c.libc.environ-assign', param: 0, loops: [], branches: [] }]);
    expect(brief(fn(facts, 'forward').events)).toEqual([
      { line: 3, kind: 'call', callee: { name: 'apply', path: ['apply'], local: 'apply' }, args: [{ param: 1 }, null], loops: [], branches: [] },
    ]);
    expect(brief(fn(facts, 'main').events)).toEqual([
      { line: 6, kind: 'env.write', api: 'c.libc.environ-assign', loops: [], branches: [] },
      { line: 7, kind: 'call', callee: { name: 'apply', path: ['apply'], local: 'apply' }, args: [{ env: true }, null], loops: [], branches: [] },
      { line: 8, kind: 'call', callee: { name: 'forward', path: ['forward'], local: 'forward' }, args: [null, { env: true }], loops: [], branches: [] },
    ]);
  });

  it('does not treat element writes through non-string-array parameters as environment writes', () => {
    const facts = extract('void fill(int *values, char *text) { values[0] = 1; text[0] = 0; }');
    expect(fn(facts, 'fill').events).toEqual([]);
  });

  it('matches project catalog entries by plain function name', () => {
    const extended = loadCatalog('c', [
      { id: 'project.set_env_locked', kind: 'env.write', names: ['set_env_locked'], variableArg: 0, description: 'locked setenv', source: 'https://example.org' },
    ]);
    const facts = extract('int main(void) { set_env_locked("PATH", p); }', extended);
    expect(brief(fn(facts, 'main').events)).toEqual([
      { line: 1, kind: 'env.write', api: 'project.set_env_locked', variable: 'PATH', loops: [], branches: [] },
    ]);
  });
});

describe('C facts: threads', () => {
  it('emits pthread spawns with body and handle, and joins with the same handle names', () => {
    const facts = extract(`static void *worker(void *arg) { return arg; }
int main(void) {
  pthread_t t, threads[4];
  pthread_create(&t, NULL, worker, NULL);
  for (int i = 0; i < 4; i++)
    pthread_create(&threads[i], NULL, &worker, NULL);
  pthread_join(t, NULL);
  for (int i = 0; i < 4; i++) pthread_join(threads[i], NULL);
}`);
    const worker = { callee: { name: 'worker', path: ['worker'], local: 'worker' } };
    expect(brief(fn(facts, 'main').events)).toEqual([
      { line: 4, kind: 'spawn', api: 'c.pthread.create', body: worker, handles: ['t'], loops: [], branches: [] },
      { line: 6, kind: 'spawn', api: 'c.pthread.create', body: worker, handles: ['threads'], loops: ['for1'], branches: [] },
      { line: 7, kind: 'join', api: 'c.pthread.join', handles: ['t'], loops: [], branches: [] },
      { line: 8, kind: 'join', api: 'c.pthread.join', handles: ['threads'], loops: ['for2'], branches: [] },
    ]);
  });

  it('reads C11, GLib and libuv spawns; a GLib handle is the variable the result is stored in', () => {
    const facts = extract(`int main(void) {
  thrd_create(&w->thread, (thrd_start_t)run, NULL);
  GThread *g = g_thread_new("name", run, NULL);
  pool[i] = g_thread_new("name", run, NULL);
  g_thread_unref(g_thread_new("detached", run, NULL));
  uv_queue_work(loop, &req, work, after);
  thrd_join(w->thread, NULL);
  g_thread_join(g);
}`);
    const run = { callee: { name: 'run', path: ['run'] } };
    expect(brief(fn(facts, 'main').events)).toEqual([
      { line: 2, kind: 'spawn', api: 'c.c11.thrd_create', body: run, handles: ['w->thread'], loops: [], branches: [] },
      { line: 3, kind: 'spawn', api: 'c.glib.g_thread_new', body: run, handles: ['g'], loops: [], branches: [] },
      { line: 4, kind: 'spawn', api: 'c.glib.g_thread_new', body: run, handles: ['pool'], loops: [], branches: [] },
      { line: 5, kind: 'call', callee: { name: 'g_thread_unref', path: ['g_thread_unref'] }, loops: [], branches: [] },
      { line: 5, kind: 'spawn', api: 'c.glib.g_thread_new', body: run, handles: [], loops: [], branches: [] },
      { line: 6, kind: 'spawn', api: 'c.libuv.uv_queue_work', body: { callee: { name: 'work', path: ['work'] } }, handles: [], loops: [], branches: [] },
      { line: 7, kind: 'join', api: 'c.c11.thrd_join', handles: ['w->thread'], loops: [], branches: [] },
      { line: 8, kind: 'join', api: 'c.glib.g_thread_join', handles: ['g'], loops: [], branches: [] },
    ]);
  });

  it('resolves a start routine held in a pointer variable and leaves an unknown one unresolved', () => {
    const facts = extract(`void *run(void *);
void start(void *(*routine)(void *)) {
  void *(*entry)(void *) = run;
  pthread_create(&a, NULL, entry, NULL);
  pthread_create(&b, NULL, routine, NULL);
}`);
    expect(fn(facts, 'start').events.map((e) => (e.kind === 'spawn' ? e.body : undefined))).toEqual([
      { callee: { name: 'run', path: ['run'] } },
      { callee: { name: 'routine', path: ['routine'] } },
    ]);
  });

  it('keeps the stored-in variable through parentheses, casts and comparisons', () => {
    const facts = extract(`int main(void) {
  GThread *g;
  if ((g = (GThread *)g_thread_new("n", run, NULL)) == NULL) return 1;
  g_thread_join(g);
}`);
    expect(fn(facts, 'main').events.map((e) => (e.kind === 'spawn' || e.kind === 'join' ? [e.kind, e.handles] : e.kind))).toEqual([
      ['spawn', ['g']],
      ['join', ['g']],
    ]);
  });

  it('turns a project runtime entry into a body-less spawn held by the variable it is stored in', () => {
    const extended = loadCatalog('c', [
      { id: 'project.pool', kind: 'runtime', names: ['start_pool'], description: 'starts worker threads', source: 'https://example.org' },
    ]);
    const facts = extract('int main(void) { pool_t *pool = start_pool(4); start_pool(2); }', extended);
    expect(brief(fn(facts, 'main').events)).toEqual([
      { line: 1, kind: 'spawn', api: 'project.pool', handles: ['pool'], loops: [], branches: [] },
      { line: 1, kind: 'spawn', api: 'project.pool', handles: [], loops: [], branches: [] },
    ]);
  });

  it('records the variable a call result is stored in', () => {
    const facts = extract(`int main(void) {
  pthread_t h = start_worker();
  w->thread = (pthread_t)start_worker();
  start_worker();
}`);
    expect(fn(facts, 'main').events.map((e) => (e.kind === 'call' ? e.assignedTo : '-'))).toEqual(['h', 'w->thread', undefined]);
  });
});

describe('C facts: placement', () => {
  it('numbers if/else arms, else-if chains, switch groups, ternaries and && / || operands', () => {
    const facts = extract(`int main(void) {
  if (ready()) a(); else if (late) b(); else c();
  switch (mode) {
  case 1:
  case 2: d(); /* falls through */
  case 3: e(); break;
  default: { f(); break; }
  }
  int v = flag ? g() : h();
  ok && i();
  bad || j();
}`);
    const placements = fn(facts, 'main').events.map((e) => [(e as { callee: { name: string } }).callee.name, e.branches]);
    expect(placements).toEqual([
      ['ready', []],
      ['a', ['if1:0']],
      ['b', ['if1:1', 'if2:0']],
      ['c', ['if1:1', 'if2:1']],
      ['d', ['switch3:0']],
      ['e', ['switch3:0']],
      ['f', ['switch3:1']],
      ['g', ['cond4:0']],
      ['h', ['cond4:1']],
      ['i', ['and5:0']],
      ['j', ['or6:0']],
    ]);
  });

  it('puts loop conditions and bodies (not for-initializers) in the loop, and nests loops', () => {
    const facts = extract(`int main(void) {
  for (init(); more(); step()) { while (poll()) { do body(); while (again()); } }
}`);
    const placements = fn(facts, 'main').events.map((e) => [(e as { callee: { name: string } }).callee.name, e.loops]);
    expect(placements).toEqual([
      ['init', []],
      ['more', ['for1']],
      ['step', ['for1']],
      ['poll', ['for1', 'while2']],
      ['body', ['for1', 'while2', 'do3']],
      ['again', ['for1', 'while2', 'do3']],
    ]);
  });

  it('treats #if arms inside a body as exclusive branches', () => {
    const facts = extract(`int main(void) {
#if defined(THREADS)
  pthread_create(&t, NULL, run, NULL);
#elif SINGLE
  single();
#else
  setenv("A", "1", 1);
#endif
}`);
    expect(fn(facts, 'main').events.map((e) => [e.kind, e.branches])).toEqual([
      ['spawn', ['pp1:0']],
      ['call', ['pp1:1']],
      ['env.write', ['pp1:2']],
    ]);
  });

  it('ignores calls in unevaluated sizeof operands', () => {
    const facts = extract('int main(void) { return sizeof(setenv("A", "1", 1)); }');
    expect(fn(facts, 'main').events).toEqual([]);
  });
});

describe('C facts: calls and robustness', () => {
  it('marks calls to functions of the same file as local and keeps pointer-call text', () => {
    const facts = extract(`static void helper(void) {}
int main(void) {
  helper();
  other();
  w->callback(1);
  (*table[2])();
}`);
    expect(fn(facts, 'main').events.map((e) => (e.kind === 'call' ? e.callee : undefined))).toEqual([
      { name: 'helper', path: ['helper'], local: 'helper' },
      { name: 'other', path: ['other'] },
      { name: 'w->callback', path: ['w->callback'] },
      { name: '*table[2]', path: ['*table[2]'] },
    ]);
  });

  it('keeps the facts of what parsed and reports syntax errors', () => {
    const facts = extract(`int main(void) {
  pthread_create(&t, NULL, run, NULL);
  int x = ;
  setenv("A", "1", 1);
}`);
    expect(facts.diagnostics.length).toBeGreaterThan(0);
    expect(facts.diagnostics[0]!.message).toMatch(/^syntax error/);
    expect(fn(facts, 'main').events.map((e) => e.kind)).toEqual(['spawn', 'env.write']);
  });

  it('does not throw on garbage', () => {
    expect(() => extract('}}}{{ int ( ; #if\n void f( {')).not.toThrow();
    expect(() => extract('')).not.toThrow();
  });

  it('is a pure function of the source', () => {
    const source = 'int main(void) { pthread_create(&t, 0, run, 0); setenv("A", "1", 1); }';
    expect(extract(source)).toEqual(extract(source));
  });
});
