import type { PyNode } from './tree.ts';
import { MAIN_MODULE_NAME, MODULE_NAME_VARIABLE } from './protocol.ts';

/** Small, catalog-free readers of tree-sitter-python shapes. */

/** `x`, `self.thread`, `a.b.c`: the dotted text of a plain reference, undefined for anything computed. */
export function referenceName(node: PyNode): string | undefined {
  if (node.type === 'identifier') return node.text;
  if (node.type !== 'attribute') return undefined;
  const object = node.childForFieldName('object');
  const attribute = node.childForFieldName('attribute');
  if (!object || !attribute) return undefined;
  const base = referenceName(object);
  return base === undefined ? undefined : `${base}.${attribute.text}`;
}

/** `(x)` → `x`. */
export function unparenthesized(node: PyNode): PyNode {
  let current = node;
  while (current.type === 'parenthesized_expression' && current.namedChildCount === 1) current = current.namedChild(0)!;
  return current;
}

const STRING_LITERAL = /^([rRbBuUfF]*)('''|"""|'|")/;

/** The value of a plain string literal (`"TZ"`, `'A' 'B'`, escapes left as written); undefined for f-strings and anything else. */
export function stringValue(node: PyNode | null | undefined): string | undefined {
  if (!node) return undefined;
  if (node.type === 'concatenated_string') {
    const parts = node.namedChildren.map((part) => stringValue(part));
    return parts.every((part) => part !== undefined) ? parts.join('') : undefined;
  }
  if (node.type !== 'string') return undefined;
  const text = node.text;
  const literal = STRING_LITERAL.exec(text);
  if (!literal || /[fF]/.test(literal[1]!)) return undefined;
  const quote = literal[2]!;
  if (text.length < literal[0].length + quote.length || !text.endsWith(quote)) return undefined;
  return text.slice(literal[0].length, text.length - quote.length);
}

export interface Arguments {
  positional: PyNode[];
  keywords: Map<string, PyNode>;
  /** A `*args` splat: positions after it are unknown. */
  hasSplat: boolean;
  /** Every expression in the argument list, in order (to evaluate each exactly once). */
  expressions: PyNode[];
}

/** The arguments of a call: `f(a, b, key=c)`; a bare generator argument `f(x for x in y)` is one positional. */
export function callArguments(call: PyNode): Arguments {
  const node = call.childForFieldName('arguments');
  const result: Arguments = { positional: [], keywords: new Map(), hasSplat: false, expressions: [] };
  if (!node) return result;
  if (node.type !== 'argument_list') {
    result.positional.push(node);
    result.expressions.push(node);
    return result;
  }
  for (const argument of node.namedChildren) {
    switch (argument.type) {
      case 'keyword_argument': {
        const name = argument.childForFieldName('name');
        const value = argument.childForFieldName('value');
        if (value) result.expressions.push(value);
        if (name && value) result.keywords.set(name.text, value);
        break;
      }
      case 'list_splat':
      case 'dictionary_splat': {
        const value = argument.namedChild(0);
        if (value) result.expressions.push(value);
        if (argument.type === 'list_splat') result.hasSplat = true;
        break;
      }
      case 'comment':
        break;
      default:
        result.expressions.push(argument);
        if (!result.hasSplat) result.positional.push(argument);
    }
  }
  return result;
}

export interface Parameter {
  name: string;
  node: PyNode;
  defaultValue?: PyNode;
  /** `*args` / `**kwargs`. */
  splat: boolean;
}

/** Parameters of a `def` or `lambda`, in order; the bare `*` and `/` separators are not parameters. */
export function parameterList(parameters: PyNode | null): Parameter[] {
  if (!parameters) return [];
  const out: Parameter[] = [];
  for (const parameter of parameters.namedChildren) {
    const read = readParameter(parameter);
    if (read) out.push(read);
  }
  return out;
}

function readParameter(node: PyNode): Parameter | undefined {
  switch (node.type) {
    case 'identifier':
      return { name: node.text, node, splat: false };
    case 'default_parameter':
    case 'typed_default_parameter': {
      const name = node.childForFieldName('name');
      if (!name || name.type !== 'identifier') return undefined;
      return { name: name.text, node, defaultValue: node.childForFieldName('value') ?? undefined, splat: false };
    }
    case 'typed_parameter': {
      const inner = node.namedChildren.find((child) => child.type !== 'type');
      const read = inner ? readParameter(inner) : undefined;
      return read ? { ...read, node } : undefined;
    }
    case 'list_splat_pattern':
    case 'dictionary_splat_pattern': {
      const name = node.namedChild(0);
      return name?.type === 'identifier' ? { name: name.text, node, splat: true } : undefined;
    }
    default:
      return undefined;
  }
}

/** Identifiers bound by an assignment or `for` target (`a`, `a, b`, `(a, [b, c])`, `*rest`). */
export function targetIdentifiers(node: PyNode): PyNode[] {
  switch (node.type) {
    case 'identifier':
      return [node];
    case 'pattern_list':
    case 'tuple_pattern':
    case 'list_pattern':
    case 'expression_list':
    case 'tuple':
    case 'list':
    case 'parenthesized_expression':
    case 'list_splat_pattern':
      return node.namedChildren.flatMap(targetIdentifiers);
    default:
      return [];
  }
}

/** `__name__ == "__main__"` (either way round). */
export function isMainGuard(condition: PyNode | null): boolean {
  if (!condition) return false;
  const node = unparenthesized(condition);
  if (node.type !== 'comparison_operator' || node.namedChildCount !== 2) return false;
  const [left, right] = [node.namedChild(0)!, node.namedChild(1)!];
  const names = (a: PyNode, b: PyNode): boolean => a.type === 'identifier' && a.text === MODULE_NAME_VARIABLE && stringValue(b) === MAIN_MODULE_NAME;
  return names(left, right) || names(right, left);
}

/** Names of a definition's decorators as written (`staticmethod`, `contextlib.contextmanager`, `app.route`). */
export function decoratorNames(decorated: PyNode | undefined): string[] {
  if (!decorated) return [];
  const out: string[] = [];
  for (const decorator of decorated.namedChildren) {
    if (decorator.type !== 'decorator') continue;
    const expression = decorator.namedChild(0);
    if (!expression) continue;
    const target = expression.type === 'call' ? expression.childForFieldName('function') : expression;
    const name = target ? referenceName(target) : undefined;
    if (name) out.push(name);
  }
  return out;
}
