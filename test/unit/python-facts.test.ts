import { describe, expect, it } from 'vitest';
import { fn } from '../support/facts.ts';
import { loadCatalog } from '../../src/catalog/load.ts';
import type { Catalog } from '../../src/catalog/types.ts';
import type { Event, FileFacts, FunctionFact } from '../../src/facts/types.ts';
import { pythonAdapter } from '../../src/languages/python/extract.ts';

const catalog = loadCatalog('python');

function extract(source: string, withCatalog: Catalog = catalog): FileFacts {
  return pythonAdapter.extract(source, withCatalog, { extension: '.py' });
}

/** Events without spans, for compact comparisons; `line` is 1-based. */
function brief(events: readonly Event[]): Array<Record<string, unknown>> {
  return events.map(({ span, ...rest }) => ({ line: span.line + 1, ...rest }));
}

function eventsOf(source: string, key: string): Array<Record<string, unknown>> {
  return brief(fn(extract(source), key).events);
}

const at = (line: number) => ({ loops: [], branches: [], line });

describe('Python facts: functions', () => {
  const facts = extract(`import contextlib

def top(a, b=1, *args, key=None, **kwargs):
    def inner(x):
        return x
    return inner

async def fetch(url):
    pass

@contextlib.contextmanager
def scoped(name):
    yield

def _private():
    pass

class Worker:
    def __init__(self, n):
        self.n = n

    def run(self):
        pass

    def _helper(self):
        pass

    @staticmethod
    def build(a, b):
        pass

    @classmethod
    def create(cls, n):
        pass

    @property
    def size(self):
        return 1

    @size.setter
    def size(self, value):
        pass

class _Hidden:
    def visible(self):
        pass
`);

  it('keys module functions by name, nested functions by their path and methods by Class.method', () => {
    expect(facts.functions.map((f) => f.key)).toEqual([
      '<module>',
      'top',
      'fetch',
      'scoped',
      '_private',
      'Worker.__init__',
      'Worker.run',
      'Worker._helper',
      'Worker.build',
      'Worker.create',
      'Worker.size',
      'Worker.size@41',
      '_Hidden.visible',
      'top.inner',
    ]);
    expect(fn(facts, 'Worker.run')).toMatchObject({ name: 'run', qualifiedName: 'Worker.run', container: 'Worker' });
    expect(fn(facts, 'top.inner')).toMatchObject({ name: 'inner', qualifiedName: 'top.inner', exported: false });
    expect(fn(facts, 'top.inner').container).toBeUndefined();
  });

  it('gives top-level code a <module> function with the module entry', () => {
    expect(fn(facts, '<module>')).toMatchObject({ name: '<module>', entry: 'module', exported: false, params: [] });
    expect(fn(facts, 'top').entry).toBeUndefined();
  });

  it('exports public module functions and public methods of public classes, dunders included', () => {
    const exported = facts.functions.filter((f) => f.exported).map((f) => f.key);
    expect(exported).toEqual(['top', 'fetch', 'scoped', 'Worker.__init__', 'Worker.run', 'Worker.build', 'Worker.create', 'Worker.size', 'Worker.size@41']);
  });

  it('lists parameters without the receiver of instance and class methods', () => {
    expect(fn(facts, 'top').params).toEqual(['a', 'b', 'args', 'key', 'kwargs']);
    expect(fn(facts, 'Worker.__init__').params).toEqual(['n']);
    expect(fn(facts, 'Worker.create').params).toEqual(['n']);
    expect(fn(facts, 'Worker.build').params).toEqual(['a', 'b']);
  });

  it('spans the definition and its name', () => {
    const run = fn(facts, 'Worker.run');
    expect(run.span).toMatchObject({ line: 21, column: 4 });
    expect(run.nameSpan).toEqual({ line: 21, column: 8, endLine: 21, endColumn: 11 });
  });

  it('marks a module with a __main__ guard as a program, either way round', () => {
    expect(facts.program).toBeUndefined();
    expect(extract('if __name__ == "__main__":\n    main()\n').program).toBe(true);
    expect(extract("if '__main__' == __name__:\n    main()\n").program).toBe(true);
    expect(extract('if __name__ == "app":\n    main()\n').program).toBeUndefined();
  });

  it('puts the code under the __main__ guard in <module>, in the guard arm', () => {
    expect(eventsOf('def main():\n    pass\n\nif __name__ == "__main__":\n    main()\n', '<module>')).toEqual([
      { line: 5, kind: 'call', callee: { name: 'main', path: ['main'], local: 'main' }, loops: [], branches: ['if1:0'] },
    ]);
  });
});

describe('Python facts: imports', () => {
  it('records each import form with its local name, source module and imported name', () => {
    const facts = extract(`import os
import os.path
import concurrent.futures as cf
from pkg.util import apply as run, other
from . import sibling
from ..base import Base
from .mod import *
`);
    expect(facts.imports.map(({ kind, local, source, imported, span }) => ({ kind, local, source, imported, line: span.line + 1 }))).toEqual([
      { kind: 'import', local: 'os', source: 'os', imported: '*', line: 1 },
      { kind: 'import', local: 'os', source: 'os.path', imported: '*', line: 2 },
      { kind: 'import', local: 'cf', source: 'concurrent.futures', imported: '*', line: 3 },
      { kind: 'import', local: 'run', source: 'pkg.util', imported: 'apply', line: 4 },
      { kind: 'import', local: 'other', source: 'pkg.util', imported: 'other', line: 4 },
      { kind: 'import', local: 'sibling', source: '.', imported: 'sibling', line: 5 },
      { kind: 'import', local: 'Base', source: '..base', imported: 'Base', line: 6 },
      { kind: 'import', local: '*', source: '.mod', imported: '*', line: 7 },
    ]);
  });

  it('expands callee paths through imports, keeping relative dots as the first segment', () => {
    const events = eventsOf(
      `import pkg.mod as mod
from pkg.util import apply
from . import sibling
from ..base import helper
import pkg.deep

def f():
    apply()
    mod.go()
    sibling.work()
    helper()
    pkg.deep.call()
`,
      'f',
    );
    expect(events.map((e) => (e as { callee: unknown }).callee)).toEqual([
      { name: 'apply', path: ['pkg', 'util', 'apply'] },
      { name: 'go', path: ['pkg', 'mod', 'go'] },
      { name: 'work', path: ['.', 'sibling', 'work'] },
      { name: 'helper', path: ['..', 'base', 'helper'] },
      { name: 'call', path: ['pkg', 'deep', 'call'] },
    ]);
  });
});

describe('Python facts: environment writes', () => {
  it('recognizes every mutating form of os.environ and os.environb, with the literal variable name', () => {
    const events = eventsOf(
      `import os

def f(extra, name):
    os.environ["A"] = "1"
    os.environ["PATH"] += ":/x"
    del os.environ["C"]
    os.environ.update(extra)
    os.environ.setdefault("D", "4")
    os.environ.pop("E", None)
    os.environ.popitem()
    os.environ.clear()
    os.environ |= extra
    os.putenv("F", "6")
    os.unsetenv("G")
    os.environb[b"H"] = b"8"
    os.environ[name] = "9"
`,
      'f',
    );
    expect(events.map((e) => [e.line, e.kind, e.api, e.variable])).toEqual([
      [4, 'env.write', 'python.os.environ.setitem', 'A'],
      [5, 'env.write', 'python.os.environ.setitem', 'PATH'],
      [6, 'env.write', 'python.os.environ.delitem', 'C'],
      [7, 'env.write', 'python.os.environ.update', undefined],
      [8, 'env.write', 'python.os.environ.setdefault', 'D'],
      [9, 'env.write', 'python.os.environ.pop', 'E'],
      [10, 'env.write', 'python.os.environ.popitem', undefined],
      [11, 'env.write', 'python.os.environ.clear', undefined],
      [12, 'env.write', 'python.os.environ.ior', undefined],
      [13, 'env.write', 'python.os.putenv', 'F'],
      [14, 'env.write', 'python.os.unsetenv', 'G'],
      [15, 'env.write', 'python.os.environb.setitem'.replace('environb', 'environ'), 'H'],
      [16, 'env.write', 'python.os.environ.setitem', undefined],
    ]);
  });

  it('spans an assignment write from its target to its value, and a deleted item by itself', () => {
    const events = fn(extract('import os\ndef f():\n    os.environ["A"] = value()\n    del x, os.environ["B"]\n'), 'f').events;
    expect(events[0]).toMatchObject({ kind: 'env.write', span: { line: 2, column: 4, endLine: 2, endColumn: 29 } });
    expect(events[2]).toMatchObject({ kind: 'env.write', span: { line: 3, column: 11, endLine: 3, endColumn: 26 } });
  });

  it('follows aliases: import as, from-imports, local and module variables (assigned anywhere in the module), parameter defaults', () => {
    const facts = extract(`import os as o
from os import environ
from os import environ as e

def uses_late_module_alias():
    LATE["A"] = "1"

def f(flag, environ_default=o.environ):
    o.environ["B"] = "2"
    environ["C"] = "3"
    e.update(D="4")
    if flag:
        env = o.environ
    else:
        env = {}
    env["E"] = "5"
    environ_default["F"] = "6"

LATE = o.environ
`);
    expect(brief(fn(facts, 'uses_late_module_alias').events)).toEqual([{ ...at(6), kind: 'env.write', api: 'python.os.environ.setitem', variable: 'A' }]);
    expect(brief(fn(facts, 'f').events).map((e) => [e.line, e.kind, e.variable, e.param])).toEqual([
      [9, 'env.write', 'B', undefined],
      [10, 'env.write', 'C', undefined],
      [11, 'env.write', undefined, undefined],
      [16, 'env.write', 'E', undefined],
      [17, 'env.write', 'F', undefined],
    ]);
  });

  it('treats writes through a plain parameter as writes to that parameter', () => {
    const events = eventsOf(
      `def populate(target, values):
    for k, v in values.items():
        target[k] = v
    target.update(values)
    target.setdefault("K", "v")
    del target["X"]
    target |= values
    target.get("Y")
`,
      'populate',
    );
    expect(events.filter((e) => e.kind === 'env.write').map((e) => [e.line, e.api, e.param, e.variable, e.loops])).toEqual([
      [3, 'python.os.environ.setitem', 0, undefined, ['loop1']],
      [4, 'python.os.environ.update', 0, undefined, []],
      [5, 'python.os.environ.setdefault', 0, 'K', []],
      [6, 'python.os.environ.delitem', 0, 'X', []],
      [7, 'python.os.environ.ior', 0, undefined, []],
    ]);
  });

  it('does not treat a parameter of an enclosing function, or one stored on self, as a parameter of its own', () => {
    const facts = extract(`def outer(target):
    def inner():
        target["A"] = "1"
    return inner

class Holder:
    def __init__(self, env):
        self.env = env
    def set(self):
        self.env["B"] = "2"
`);
    expect(fn(facts, 'outer.inner').events).toEqual([]);
    expect(fn(facts, 'Holder.set').events).toEqual([]);
  });

  it('keeps self attributes that hold the environment', () => {
    const events = eventsOf('import os\nclass C:\n    def __init__(self):\n        self.env = os.environ\n    def set(self):\n        self.env["B"] = "2"\n', 'C.set');
    expect(events).toEqual([{ ...at(6), kind: 'env.write', api: 'python.os.environ.setitem', variable: 'B' }]);
  });

  it('does not count the safe alternatives as writes: subprocess env=, a copy, a dict built from os.environ', () => {
    const events = eventsOf(
      `import os, subprocess

def f():
    subprocess.run(["make"], env={**os.environ, "A": "1"})
    copy = os.environ.copy()
    copy["B"] = "2"
    snapshot = dict(os.environ)
    snapshot.update(C="3")
`,
      'f',
    );
    expect(events.filter((e) => e.kind === 'env.write')).toEqual([]);
    expect(events[0]).toMatchObject({ kind: 'exec', api: 'python.subprocess.run' });
  });
});

describe('Python facts: readers and programs', () => {
  it('emits env.read for environment lookups and libc readers, exec for program starts', () => {
    const events = eventsOf(
      `import os, socket, time, locale, gettext, subprocess

def f():
    os.environ.get("A")
    os.environ["B"]
    os.getenv("C")
    socket.getaddrinfo("h", 80)
    time.localtime()
    locale.setlocale(locale.LC_ALL, "")
    gettext.gettext("msg")
    os.system("ls")
    os.execvpe("ls", ["ls"], {})
    subprocess.check_output(["ls"])
    os.posix_spawn("/bin/ls", ["ls"], {})
`,
      'f',
    );
    expect(events.map((e) => [e.kind, e.api, e.variable])).toEqual([
      ['env.read', 'python.os.environ.get', 'A'],
      ['env.read', 'python.os.environ.getitem', 'B'],
      ['env.read', 'python.os.getenv', 'C'],
      ['env.read', 'python.socket.getaddrinfo', undefined],
      ['env.read', 'python.time.localtime', undefined],
      ['env.read', 'python.locale.setlocale', undefined],
      ['env.read', 'python.gettext.gettext', undefined],
      ['exec', 'python.os.system', undefined],
      ['exec', 'python.os.exec', undefined],
      ['exec', 'python.subprocess.call', undefined],
      ['exec', 'python.os.posix_spawn', undefined],
    ]);
  });
});

describe('Python facts: threads', () => {
  it('spawns at Thread.start() with the constructor target as body and the variable as handle', () => {
    const facts = extract(`import threading
from threading import Thread

def work():
    pass

def f():
    t = threading.Thread(target=work, daemon=True)
    t.start()
    Thread(None, work).start()
    t.join()
`);
    expect(brief(fn(facts, 'f').events)).toEqual([
      { ...at(9), kind: 'spawn', api: 'python.threading.Thread.start', handles: ['t'], body: { local: 'work' } },
      { ...at(10), kind: 'spawn', api: 'python.threading.Thread.start', handles: [], body: { local: 'work' } },
      { ...at(11), kind: 'join', api: 'python.threading.Thread.join', handles: ['t'] },
    ]);
  });

  it('adds the list a thread is appended to, and joins through a loop over it', () => {
    const events = eventsOf(
      `import threading

def f(jobs):
    threads = []
    for job in jobs:
        t = threading.Thread(target=run, args=(job,))
        t.start()
        threads.append(t)
    for t in threads:
        t.join()
`,
      'f',
    );
    expect(events.filter((e) => e.kind !== 'call')).toEqual([
      { line: 7, kind: 'spawn', api: 'python.threading.Thread.start', handles: ['t', 'threads'], body: { callee: { name: 'run', path: ['run'] } }, loops: ['loop1'], branches: [] },
      { line: 10, kind: 'join', api: 'python.threading.Thread.join', handles: ['t', 'threads'], loops: ['loop2'], branches: [] },
    ]);
  });

  it('starts threads built by a list comprehension through the loop variable', () => {
    const events = eventsOf(
      `from threading import Thread

def f(n):
    threads = [Thread(target=work) for _ in range(n)]
    for thread in threads:
        thread.start()
`,
      'f',
    );
    expect(events.find((e) => e.kind === 'spawn')).toMatchObject({ handles: ['thread', 'threads'], loops: ['loop2'] });
  });

  it('makes a lambda thread body its own function keyed by its 1-based position', () => {
    const facts = extract('import os, threading\ndef f():\n    threading.Thread(target=lambda: os.environ.update(A="1")).start()\n');
    expect(brief(fn(facts, 'f').events)).toEqual([{ ...at(3), kind: 'spawn', api: 'python.threading.Thread.start', handles: [], body: { local: '<lambda@3:29>' } }]);
    expect(fn(facts, '<lambda@3:29>')).toMatchObject({ name: '<lambda>', qualifiedName: 'f.<lambda@3:29>', exported: false });
    expect(brief(fn(facts, '<lambda@3:29>').events)).toEqual([{ ...at(3), kind: 'env.write', api: 'python.os.environ.update' }]);
  });

  it('inlines a lambda that is not a thread body', () => {
    const events = eventsOf('import os\ndef f(items):\n    return sorted(items, key=lambda k: os.environ.get(k))\n', 'f');
    expect(events.map((e) => [e.kind, e.api])).toEqual([
      ['call', undefined],
      ['env.read', 'python.os.environ.get'],
    ]);
  });

  it('joins a ThreadPoolExecutor at the end of its with block; submit and map spawn with the executor as handle', () => {
    const facts = extract(`from concurrent.futures import ThreadPoolExecutor

def f(items):
    with ThreadPoolExecutor(max_workers=4) as pool:
        pool.submit(work, 1)
        list(pool.map(work, items))
    done()
`);
    const events = fn(facts, 'f').events;
    expect(brief(events).filter((e) => e.kind !== 'call')).toEqual([
      { ...at(5), kind: 'spawn', api: 'python.concurrent.futures.ThreadPoolExecutor.submit', handles: ['pool'], body: { callee: { name: 'work', path: ['work'] } } },
      { ...at(6), kind: 'spawn', api: 'python.concurrent.futures.ThreadPoolExecutor.map', handles: ['pool'], body: { callee: { name: 'work', path: ['work'] } } },
      { ...at(6), kind: 'join', api: 'python.concurrent.futures.ThreadPoolExecutor.exit', handles: ['pool'] },
    ]);
    const join = events.find((e) => e.kind === 'join')!;
    expect(join.span).toEqual({ line: 5, column: 35, endLine: 5, endColumn: 35 });
  });

  it('joins an assigned executor at shutdown(), unless told not to wait', () => {
    const events = eventsOf(
      `import concurrent.futures

def f():
    ex = concurrent.futures.ThreadPoolExecutor()
    ex.submit(work)
    ex.shutdown()
    ex.shutdown(wait=False)
    ex.shutdown(False)
`,
      'f',
    );
    expect(events.map((e) => [e.line, e.kind, e.handles])).toEqual([
      [5, 'spawn', ['ex']],
      [6, 'join', ['ex']],
    ]);
  });

  it('starts ThreadPool workers at construction and joins them at join() or the end of the with block', () => {
    const events = eventsOf(
      `from multiprocessing.pool import ThreadPool
import multiprocessing.dummy

def f():
    pool = ThreadPool(4)
    pool.apply_async(work)
    pool.close()
    pool.join()
    with multiprocessing.dummy.Pool() as dummy:
        dummy.imap_unordered(work, [])
`,
      'f',
    );
    expect(events.filter((e) => e.kind !== 'call').map((e) => [e.line, e.kind, e.api, e.handles, e.body])).toEqual([
      [5, 'spawn', 'python.multiprocessing.pool.ThreadPool', ['pool'], undefined],
      [6, 'spawn', 'python.multiprocessing.pool.ThreadPool.apply', ['pool'], { callee: { name: 'work', path: ['work'] } }],
      [8, 'join', 'python.multiprocessing.pool.ThreadPool.join', ['pool'], undefined],
      [9, 'spawn', 'python.multiprocessing.pool.ThreadPool', ['dummy'], undefined],
      [10, 'spawn', 'python.multiprocessing.pool.ThreadPool.map', ['dummy'], { callee: { name: 'work', path: ['work'] } }],
      [10, 'join', 'python.multiprocessing.pool.ThreadPool.exit', ['dummy'], undefined],
    ]);
  });

  it('recognizes Timer, asyncio.to_thread, run_in_executor and _thread.start_new_thread as detached spawns', () => {
    const events = eventsOf(
      `import asyncio, threading, _thread

async def f(loop):
    threading.Timer(1.0, tick).start()
    await asyncio.to_thread(tick)
    await loop.run_in_executor(None, tick)
    _thread.start_new_thread(tick, ())
`,
      'f',
    );
    const body = { callee: { name: 'tick', path: ['tick'] } };
    expect(events.map((e) => [e.kind, e.api, e.handles, e.body])).toEqual([
      ['spawn', 'python.threading.Thread.start', [], body],
      ['spawn', 'python.asyncio.to_thread', [], body],
      ['spawn', 'python.asyncio.loop.run_in_executor', [], body],
      ['spawn', 'python._thread.start_new_thread', [], body],
    ]);
  });

  it('runs a Thread subclass body from its run method, and constructing it calls __init__', () => {
    const facts = extract(`import threading

class Exporter(threading.Thread):
    def __init__(self, path):
        super().__init__(daemon=True)
        self.path = path

    def run(self):
        pass

def f():
    exporter = Exporter("/tmp")
    exporter.start()
    exporter.join()
`);
    expect(fn(facts, 'Exporter.__init__').events).toEqual([]);
    expect(brief(fn(facts, 'f').events)).toEqual([
      { ...at(12), kind: 'call', callee: { name: '__init__', path: ['Exporter', '__init__'], local: 'Exporter.__init__' }, assignedTo: 'exporter' },
      { ...at(13), kind: 'spawn', api: 'python.threading.Thread.start', handles: ['exporter'], body: { local: 'Exporter.run' } },
      { ...at(14), kind: 'join', api: 'python.threading.Thread.join', handles: ['exporter'] },
    ]);
  });

  it('follows a thread stored on self from __init__ into other methods, with self.method as a body', () => {
    const facts = extract(`import threading

class Service:
    def __init__(self):
        self._worker = threading.Thread(target=self._loop)

    def start(self):
        self._worker.start()

    def stop(self):
        self._worker.join()
`);
    expect(brief(fn(facts, 'Service.start').events)).toEqual([
      { ...at(8), kind: 'spawn', api: 'python.threading.Thread.start', handles: ['self._worker'], body: { callee: { name: '_loop', path: ['_loop'], receiver: 'self' } } },
    ]);
    expect(brief(fn(facts, 'Service.stop').events)).toEqual([{ ...at(11), kind: 'join', api: 'python.threading.Thread.join', handles: ['self._worker'] }]);
  });

  it('keeps a catalog module over an import fallback in another arm', () => {
    const events = eventsOf(
      `try:
    import threading
except ImportError:
    import dummy_threading as threading

def f():
    threading.Thread(target=work).start()
`,
      'f',
    );
    expect(events.map((e) => [e.kind, e.api])).toEqual([['spawn', 'python.threading.Thread.start']]);
  });

  it('joins a handle returned by a call by shape, but not str.join', () => {
    const events = eventsOf('def f(parts):\n    h = start_worker()\n    ", ".join(parts)\n    h.join()\n', 'f');
    expect(events.map((e) => [e.line, e.kind, e.assignedTo ?? e.handles])).toEqual([
      [2, 'call', 'h'],
      [3, 'call', undefined],
      [4, 'join', ['h']],
    ]);
  });
});

describe('Python facts: placement', () => {
  it('numbers arms of if/elif/else, try/except/else/finally, match, conditional expressions and and/or', () => {
    const events = eventsOf(
      `def f(x):
    if x:
        a()
    elif y():
        b()
    else:
        c()
    try:
        d()
    except ValueError:
        e()
    except KeyError:
        g()
    else:
        h()
    finally:
        i()
    match x:
        case 1:
            j()
        case _:
            k()
    v = l() if x else m()
    x and n()
    x or o()
`,
      'f',
    );
    expect(events.map((e) => [(e.callee as { name: string }).name, e.branches])).toEqual([
      ['a', ['if1:0']],
      ['y', ['if1:1']],
      ['b', ['if1:1']],
      ['c', ['if1:2']],
      ['d', ['try2:0']],
      ['e', ['try2:1']],
      ['g', ['try2:2']],
      ['h', ['try2:0']],
      ['i', []],
      ['j', ['match3:0']],
      ['k', ['match3:1']],
      ['l', ['cond4:0']],
      ['m', ['cond4:1']],
      ['n', ['and5:1']],
      ['o', ['or6:1']],
    ]);
  });

  it('marks loop bodies, while conditions and comprehension bodies, but not the first iterable or a for-else', () => {
    const events = eventsOf(
      `def f():
    for x in first():
        for y in x:
            a()
    else:
        b()
    while cond():
        c()
    [d(i) for i in items() if e(i)]
`,
      'f',
    );
    expect(events.map((e) => [(e.callee as { name: string }).name, e.loops])).toEqual([
      ['first', []],
      ['a', ['loop1', 'loop2']],
      ['b', []],
      ['cond', ['loop3']],
      ['c', ['loop3']],
      ['d', ['loop4']],
      ['items', []],
      ['e', ['loop4']],
    ]);
  });

  it('keeps events in source order', () => {
    const events = fn(extract('def f():\n    a(b(), c())\n    d()\n'), 'f').events;
    expect(events.map((e) => `${e.span.line}:${e.span.column}`)).toEqual(['1:4', '1:6', '1:11', '2:4']);
  });
});

describe('Python facts: calls', () => {
  it('describes arguments that are the environment or a parameter, and maps keywords of local calls to positions', () => {
    const events = eventsOf(
      `import os

def populate(target, values):
    pass

def f(p, q):
    populate(os.environ, p)
    populate(values=q, target=os.environ)
    other(1, q)
    unrelated(1, 2)
`,
      'f',
    );
    expect(events.map((e) => e.args)).toEqual([[{ env: true }, { param: 0 }], [{ env: true }, { param: 1 }], [null, { param: 1 }], undefined]);
  });

  it('names receivers: self, other variables, local classes and static calls', () => {
    const facts = extract(`class Base:
    def shared(self):
        pass

class Job(Base):
    def run(self):
        self.step()
        self.shared()
        Job.helper()
        worker.go()

    def step(self):
        pass

    @staticmethod
    def helper():
        pass

def f():
    job = Job()
    job.step()
`);
    expect(brief(fn(facts, 'Job.run').events).map((e) => e.callee)).toEqual([
      { name: 'step', path: ['step'], receiver: 'self' },
      { name: 'shared', path: ['Base', 'shared'], receiver: 'self' },
      { name: 'helper', path: ['Job', 'helper'], local: 'Job.helper' },
      { name: 'go', path: ['go'], receiver: 'worker' },
    ]);
    expect(brief(fn(facts, 'f').events).map((e) => e.callee)).toEqual([{ name: 'step', path: ['step'], receiver: 'job', local: 'Job.step' }]);
  });

  it('hints an imported base class for inherited methods and super() calls', () => {
    const facts = extract(`from pkg.base import Base

class Child(Base):
    def __init__(self):
        super().__init__()
        self.configure()
`);
    expect(brief(fn(facts, 'Child.__init__').events).map((e) => e.callee)).toEqual([
      { name: '__init__', path: ['pkg', 'base', 'Base', '__init__'] },
      { name: 'configure', path: ['pkg', 'base', 'Base', 'configure'], receiver: 'self' },
    ]);
  });

  it('emits no call for calling a parameter or a computed value', () => {
    expect(eventsOf('def f(callback):\n    callback()\n    make()()\n', 'f').map((e) => (e.callee as { name: string }).name)).toEqual(['make']);
  });

  it('matches project catalog entries by plain name', () => {
    const withExtra = loadCatalog('python', [
      { id: 'project.set_env_locked', kind: 'env.write', names: ['set_env_locked'], variableArg: 0, description: 'Project helper.', source: 'https://docs.python.org/3/library/os.html' },
    ]);
    const facts = extract('from util import set_env_locked\ndef f():\n    set_env_locked("A", "1")\n    helpers.set_env_locked("B", "2")\n', withExtra);
    expect(brief(fn(facts, 'f').events)).toEqual([
      { ...at(3), kind: 'env.write', api: 'project.set_env_locked', variable: 'A' },
      { ...at(4), kind: 'env.write', api: 'project.set_env_locked', variable: 'B' },
    ]);
  });
});

describe('Python facts: robustness', () => {
  it('keeps what parsed and reports syntax errors as diagnostics', () => {
    const facts = extract('import os\ndef ok():\n    os.environ["A"] = "1"\n\ndef broken(:\n    pass\nx = (\n');
    expect(brief(fn(facts, 'ok').events)).toEqual([{ ...at(3), kind: 'env.write', api: 'python.os.environ.setitem', variable: 'A' }]);
    expect(facts.diagnostics.length).toBeGreaterThan(0);
    expect(facts.diagnostics[0]!.message).toMatch(/^syntax error/);
  });

  it('survives very deep expressions with a diagnostic instead of a stack overflow', () => {
    const source = `x = ${Array.from({ length: 5000 }, (_, i) => `a${i}`).join(' + ')}\n`;
    const facts = extract(source);
    expect(facts.diagnostics.some((d) => d.message.startsWith('nesting too deep'))).toBe(true);
  });

  it('is deterministic', () => {
    const source = 'import os, threading\ndef f():\n    threading.Thread(target=lambda: os.environ.clear()).start()\n';
    expect(JSON.stringify(extract(source))).toBe(JSON.stringify(extract(source)));
  });

  it('reads non-ASCII source with UTF-16 columns', () => {
    const events = fn(extract('import os\ndef f():\n    s = "é😀"; os.environ["A"] = s\n'), 'f').events;
    expect(events[0]!.span).toMatchObject({ line: 2, column: 15 });
  });
});
