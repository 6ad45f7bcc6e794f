import type { SyntaxNode } from '../../parse/treeSitter.ts';

/**
 * Small, catalog-free readers of tree-sitter-c shapes: what a declarator declares, what an
 * expression names once casts and `&`/`*` are peeled off, what a string literal spells.
 */

export function sameNode(a: SyntaxNode | null | undefined, b: SyntaxNode | null | undefined): boolean {
  return !!a && !!b && a.startIndex === b.startIndex && a.endIndex === b.endIndex && a.type === b.type;
}

/** `(x)`, `(T)x` → `x`: wrappers that do not change which object an expression designates. */
export function unwrapExpression(node: SyntaxNode): SyntaxNode {
  let current = node;
  for (;;) {
    if (current.type === 'parenthesized_expression' && current.namedChildCount === 1) current = current.namedChild(0)!;
    else if (current.type === 'cast_expression' && current.childForFieldName('value')) current = current.childForFieldName('value')!;
    else return current;
  }
}

/**
 * The identifier an expression refers to once `&`, casts and parentheses are peeled off:
 * `worker`, `&worker`, `(void *(*)(void *))worker` all name `worker`. With `throughDeref`, `*` is
 * peeled too, which is right for functions (`(*fp)(x)` calls what `fp` points to) and wrong for data.
 * Undefined for anything computed.
 */
export function referencedIdentifier(node: SyntaxNode, options: { throughDeref: boolean }): string | undefined {
  let current = unwrapExpression(node);
  while (current.type === 'pointer_expression') {
    const operator = current.childForFieldName('operator')?.type;
    if (operator !== '&' && !(operator === '*' && options.throughDeref)) return undefined;
    current = unwrapExpression(current.childForFieldName('argument')!);
  }
  return current.type === 'identifier' ? current.text : undefined;
}

/**
 * A stable name for the object holding a thread handle, the same at the spawn and at the join:
 * `&t` and `t` → `t`; `&threads[i]` and `threads[i]` → `threads`; `&w->thread` → `w->thread`.
 */
export function handleName(node: SyntaxNode): string {
  const current = unwrapExpression(node);
  switch (current.type) {
    case 'identifier':
      return current.text;
    case 'pointer_expression':
    case 'subscript_expression':
      return handleName(current.childForFieldName('argument')!);
    case 'field_expression': {
      const base = handleName(current.childForFieldName('argument')!);
      const operator = current.childForFieldName('operator')?.type ?? '.';
      return `${base}${operator}${current.childForFieldName('field')?.text ?? ''}`;
    }
    case 'null':
      return '';
    default:
      return current.text.replace(/\s+/g, '');
  }
}

/**
 * The variable an assignment's left side designates as a whole (`x = ...` → `x`,
 * `threads[i] = ...` → `threads`), for `assignedTo` and GLib-style handles.
 */
export const assignedName = handleName;

/** The base pointer an element write goes through: `p[i]`, `*p`, `*(p + i)` → the `p` node. */
export function elementWriteBase(left: SyntaxNode): SyntaxNode | undefined {
  const target = unwrapExpression(left);
  let base: SyntaxNode | null = null;
  if (target.type === 'subscript_expression') base = target.childForFieldName('argument');
  else if (target.type === 'pointer_expression' && target.childForFieldName('operator')?.type === '*') base = target.childForFieldName('argument');
  if (!base) return undefined;
  base = unwrapExpression(base);
  // Pointer arithmetic `*(p + i)`: the pointer is the left operand.
  while (base.type === 'binary_expression' && ['+', '-'].includes(base.childForFieldName('operator')?.type ?? '')) {
    base = unwrapExpression(base.childForFieldName('left')!);
  }
  return base;
}

/** The value of a string literal (or adjacent literals) without escapes; undefined when computed. */
export function stringLiteralValue(node: SyntaxNode): string | undefined {
  const current = unwrapExpression(node);
  if (current.type === 'concatenated_string') {
    let out = '';
    for (const part of current.namedChildren) {
      const value = stringLiteralValue(part);
      if (value === undefined) return undefined;
      out += value;
    }
    return out;
  }
  if (current.type !== 'string_literal') return undefined;
  let out = '';
  for (const part of current.namedChildren) {
    if (part.type === 'string_content') out += part.text;
    else if (part.type === 'escape_sequence') out += unescape(part.text);
    else return undefined;
  }
  return out;
}

const simpleEscapes: Record<string, string> = { n: '\n', t: '\t', r: '\r', '0': '\0', '\\': '\\', '"': '"', "'": "'" };

function unescape(sequence: string): string {
  return simpleEscapes[sequence.slice(1)] ?? sequence;
}

/** What a declarator declares: its identifier node and how many `*`/`[]` layers wrap it. */
export interface DeclaredName {
  name: SyntaxNode;
  /** Pointer and array layers between the type and the name (`char **p` → 2, `char *p[]` → 2). */
  indirection: number;
  /** The innermost function declarator, when the declarator declares a function. */
  functionDeclarator?: SyntaxNode;
}

export function declaredName(declarator: SyntaxNode | null): DeclaredName | undefined {
  let current = declarator;
  let indirection = 0;
  let functionDeclarator: SyntaxNode | undefined;
  while (current) {
    switch (current.type) {
      case 'identifier':
        return { name: current, indirection, functionDeclarator };
      case 'pointer_declarator':
      case 'array_declarator':
        indirection++;
        current = current.childForFieldName('declarator');
        break;
      case 'function_declarator':
        // The function declarator closest to the name owns the parameters (`void (*f(int))(char)`).
        functionDeclarator = current;
        indirection = 0;
        current = current.childForFieldName('declarator');
        break;
      case 'init_declarator':
      case 'parenthesized_declarator':
      case 'attributed_declarator':
        current = current.childForFieldName('declarator') ?? current.namedChildren.find((child) => child.type !== 'attribute_declaration') ?? null;
        break;
      default:
        return undefined;
    }
  }
  return undefined;
}

export function hasStorageClass(node: SyntaxNode, storageClass: string): boolean {
  return node.children.some((child) => child.type === 'storage_class_specifier' && child.text === storageClass);
}
