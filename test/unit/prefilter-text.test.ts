import { describe, expect, it } from 'vitest';
import { packageReach } from '../../src/audit/reach.ts';
import type { Catalog } from '../../src/catalog/types.ts';
import type { PackageRef } from '../../src/languages/types.ts';
import { seedSpecs } from '../../src/prefilter/tokens.ts';
import { hashWord, KeyWordFilter, scanWords, WordSetMatcher } from '../../src/prefilter/wordIndex.ts';

const mentions = (source: string, language: Parameters<typeof scanWords>[1], word: string): boolean =>
  scanWords(Buffer.from(source), language).hashes.includes(hashWord(word));

describe('text pass words', () => {
  it('leaves out comment lines, whose doc examples name APIs no fact comes from', () => {
    const rust = ['/// let rt = tokio::runtime::Runtime::new();', '//! std::env::set_var("A", "1");', '/* thread::spawn', '   more */', 'fn main() { run(); }'].join('\n');
    expect(mentions(rust, 'rust', 'set_var')).toBe(false);
    expect(mentions(rust, 'rust', 'Runtime')).toBe(false);
    expect(mentions(rust, 'rust', 'spawn')).toBe(false);
    expect(mentions(rust, 'rust', 'run')).toBe(true);
    expect(mentions('    # os.putenv("A", "1")\nos.unsetenv("B")\n', 'python', 'putenv')).toBe(false);
    expect(mentions('    # os.putenv("A", "1")\nos.unsetenv("B")\n', 'python', 'unsetenv')).toBe(true);
  });

  it('keeps words after a `//` that is not at the start of its line (it may sit in a string)', () => {
    expect(mentions('let url = "http://x"; std::env::set_var("A", url);\n', 'rust', 'set_var')).toBe(true);
    expect(mentions('x = 1  # note\nfetch_thing()  # os.putenv\n', 'python', 'fetch_thing')).toBe(true);
    // A C `#` line is a directive, not a comment.
    expect(mentions('#define set setenv\n', 'c', 'setenv')).toBe(true);
  });

  it('tells names that appear only where they are defined from names that are also used', () => {
    const definedOnly = (source: string, language: Parameters<typeof scanWords>[1]) => {
      const words = scanWords(Buffer.from(source), language);
      const used = new Set(words.used);
      return [...words.hashes].filter((hash) => !used.has(hash));
    };
    // libc's extern block declares `setenv` and calls nothing: no seed comes from such a file.
    const externBlock = 'extern "C" {\n    pub fn setenv(name: *const c_char, value: *const c_char) -> c_int;\n    pub fn getenv(name: *const c_char) -> *mut c_char;\n}\n';
    expect(definedOnly(externBlock, 'rust')).toEqual([hashWord('setenv'), hashWord('getenv')]);
    // Defined and called in the same file: the call counts.
    expect(definedOnly('fn setenv() {}\nfn main() { setenv(); }\n', 'rust')).toEqual([hashWord('main')]);
    expect(definedOnly('class Thread:\n    def start(self):\n        pass\nThread().start()\n', 'python')).toEqual([]);
    expect(definedOnly('def putenv(k, v):\n    pass\n', 'python')).toEqual([hashWord('putenv')]);
    // Languages whose definitions the text pass does not recognize have none.
    expect(definedOnly('int setenv(const char *a, const char *b, int c);\n', 'c')).toEqual([]);
  });

  it('records the Rust and Python names written after a `.`, across white space, line breaks and comments', () => {
    const members = (source: string) => [...(scanWords(Buffer.from(source), 'rust').members ?? [])].sort();
    const hashes = (...words: string[]) => words.map(hashWord).sort();
    expect(members('fn f() { let c = Client::new(); c.start(); }')).toEqual(hashes('start'));
    expect(members('fn f() {\n    builder\n        .timeout(d)\n        . build()?;\n}\n')).toEqual(hashes('timeout', 'build'));
    // A path call and a tuple index name no method; a range's end (`0..n`) counts, which only makes a file look relevant.
    expect(members('fn f() { Runtime::new(); let x = t.0; for i in 0..n {} }')).toEqual(hashes('n'));
    expect(members('fn f() { x.1.run(); }')).toEqual(hashes('run'));
    const pythonMembers = (source: string) => [...(scanWords(Buffer.from(source), 'python').members ?? [])].sort();
    expect(pythonMembers('x.start()\n')).toEqual(hashes('start'));
    expect(pythonMembers('t = (x.  # the worker\n     start())\n')).toEqual(hashes('start'));
    expect(pythonMembers('t = x. \\\n    start()\nstart()\n')).toEqual(hashes('start'));
    expect(pythonMembers('from .workers import start\nstart()\n')).toEqual(hashes('workers'));
    expect(scanWords(Buffer.from('x.start();\n'), 'javascript').members).toBeUndefined();
  });

  it('matches a `member` word set only where its first word follows a `.`', () => {
    const matcher = new WordSetMatcher([{ words: ['start'], member: true }]);
    const matches = (source: string) => {
      const words = scanWords(Buffer.from(source), 'rust');
      return matcher.matches(words.hashes, words);
    };
    expect(matches('fn f(w: Worker) { w.start(); }')).toBe(true);
    expect(matches('fn f() { Worker::start(); }')).toBe(false);
    expect(matches('fn start() {}')).toBe(false);
    // Where the members are not known (another language), the word is enough.
    expect(matcher.matches(scanWords(Buffer.from('Worker.start()\n'), 'python').hashes)).toBe(true);
  });

  it('matches word sets through the prefilter bits without losing a set', () => {
    const matcher = new WordSetMatcher([{ words: ['thread', 'spawn'] }, { words: ['set_var'] }]);
    expect(matcher.matches(scanWords(Buffer.from('use std::thread; fn f() { thread::spawn(g); }'), 'rust').hashes)).toBe(true);
    expect(matcher.matches(scanWords(Buffer.from('use std::thread; fn f() { thread::sleep(d); }'), 'rust').hashes)).toBe(false);
    expect(matcher.matches(scanWords(Buffer.from('fn f() { env::set_var(a, b) }'), 'rust').hashes)).toBe(true);
  });
});

describe('the key-word filter of a follow round', () => {
  const sets = [{ words: ['run', 'spawn_workers'] }, { words: ['configure'] }, { words: ['new', 'Builder', 'build'] }];
  const matcher = new WordSetMatcher(sets);
  const keys = new KeyWordFilter([matcher, new WordSetMatcher<{ words: string[] }>([])]);
  const words = (source: string) => scanWords(Buffer.from(source), 'python').hashes;

  it('lets through every file a matcher matches, and passes over files without any set\'s longest word', () => {
    const files = ['run()\nspawn_workers()\n', 'configure(x)\n', 'b = Builder.new()\nb.build()\n', 'run()\nnew()\n', 'spawn_worker()\n', 'x = 1\n', 'run(); build(); new()\n'];
    for (const file of files) if (matcher.matches(words(file))) expect(keys.mayMatch(words(file)), file).toBe(true);
    // `run` or `new` alone are not the longest word of any set: those files are passed over.
    expect(keys.mayMatch(words('run()\nnew()\n'))).toBe(false);
    expect(keys.mayMatch(words('x = 1\n'))).toBe(false);
    expect(keys.mayMatch(words('spawn_workers()\n'))).toBe(true);
  });

  it('passes over everything when the round has no sets', () => {
    expect(new KeyWordFilter([new WordSetMatcher<{ words: string[] }>([])]).mayMatch(words('configure()\n'))).toBe(false);
  });
});

describe('seed word sets', () => {
  const catalog = (names: string[]): Catalog => ({ ecosystem: 'rust', entries: names.map((name, index) => ({ id: `api${index}`, kind: 'spawn', names: [name] })) }) as unknown as Catalog;

  it('keep a generic last segment next to the one that identifies the API', () => {
    expect(seedSpecs(catalog(['std::thread::spawn']))).toEqual([['thread', 'spawn']]);
    expect(seedSpecs(catalog(['tokio::spawn']))).toEqual([['tokio', 'spawn']]);
    expect(seedSpecs(catalog(['tokio::runtime::Runtime::new']))).toEqual([['tokio', 'Runtime', 'new']]);
    expect(seedSpecs(catalog(['tokio::task::spawn_blocking']))).toEqual([['tokio', 'spawn_blocking']]);
  });
});

describe('package reach', () => {
  const pkg = (id: string, deps: string[]): PackageRef => ({ id, name: id, root: `/${id}`, deps: Object.fromEntries(deps.map((dep) => [dep, dep])), inProject: false });

  it('follows dependencies transitively, and rules nothing out for packages outside the graph', () => {
    const reach = packageReach([pkg('app', ['reqwest']), pkg('reqwest', ['native_tls']), pkg('native_tls', ['openssl_probe']), pkg('openssl_probe', []), pkg('tokio', [])]);
    expect(reach('app', 'openssl_probe')).toBe(true);
    expect(reach('app', 'app')).toBe(true);
    expect(reach('openssl_probe', 'app')).toBe(false);
    expect(reach('tokio', 'native_tls')).toBe(false);
    expect(reach('elsewhere', 'tokio')).toBe(true);
    expect(reach('tokio', 'elsewhere')).toBe(true);
  });
});
