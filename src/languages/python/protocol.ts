/**
 * Python's data model: the method each piece of syntax calls. The adapter rewrites syntax into these
 * method names so that the catalog can describe `os.environ[k] = v` as `os.environ.__setitem__`,
 * `del os.environ[k]` as `os.environ.__delitem__`, and so on, instead of the adapter knowing them.
 */

/** `x[k] = v` and `x[k] op= v`. */
export const ITEM_ASSIGNMENT = '__setitem__';
/** `del x[k]`. */
export const ITEM_DELETION = '__delitem__';
/** `x[k]` as a value. */
export const ITEM_ACCESS = '__getitem__';
/** Leaving `with x:` (or `with x as y:`). */
export const CONTEXT_EXIT = '__exit__';
/** `C(...)` runs `C.__init__`. */
export const CONSTRUCTOR = '__init__';

/** In-place operators that call a method of the target object (`x |= y` → `x.__ior__(y)`). */
export const IN_PLACE_OPERATORS: Readonly<Record<string, string>> = {
  '|=': '__ior__',
};

/** `threading.Thread.start()` runs the instance's `run()`; subclasses override it to give the body. */
export const THREAD_BODY_METHOD = 'run';

/** Collecting a handle into a list (`threads.append(t)`) makes the list a name it can be joined by. */
export const COLLECTION_ADDERS: ReadonlySet<string> = new Set(['append', 'add']);

/** Decorators that change how a method receives its first argument. */
export const STATIC_METHOD_DECORATOR = 'staticmethod';
export const CLASS_METHOD_DECORATOR = 'classmethod';

/** `if __name__ == "__main__":` marks a module as a program. */
export const MODULE_NAME_VARIABLE = '__name__';
export const MAIN_MODULE_NAME = '__main__';

/** `super().m()` calls the base class's `m`. */
export const SUPER_FUNCTION = 'super';

/**
 * Methods of Python's built-in containers, strings and files. A call of one of these on an object
 * of unknown type (`items.extend(x)`, `"{}".format(x)`, `fh.write(s)`) is far more often the
 * built-in than a method of the program's own classes, so it is not linked by name.
 */
export const BUILTIN_METHOD_NAMES: ReadonlySet<string> = new Set([
  // list
  'append', 'extend', 'insert', 'remove', 'pop', 'clear', 'copy', 'index', 'count', 'sort', 'reverse',
  // dict and set
  'get', 'items', 'keys', 'values', 'setdefault', 'update', 'popitem', 'fromkeys',
  'add', 'discard', 'union', 'intersection', 'difference', 'symmetric_difference', 'issubset', 'issuperset', 'isdisjoint',
  // str and bytes
  'format', 'format_map', 'join', 'split', 'rsplit', 'splitlines', 'strip', 'lstrip', 'rstrip', 'replace',
  'startswith', 'endswith', 'encode', 'decode', 'lower', 'upper', 'casefold', 'title', 'capitalize',
  'find', 'rfind', 'rindex', 'partition', 'rpartition', 'ljust', 'rjust', 'center', 'zfill',
  'isdigit', 'isalpha', 'isalnum', 'isspace', 'isidentifier', 'removeprefix', 'removesuffix', 'hex',
  // files
  'read', 'readline', 'readlines', 'write', 'writelines', 'flush', 'seek', 'tell', 'close', 'fileno',
]);
