import type { RustNode } from './syntax.ts';
import { chainHandle } from './fileState.ts';
import { expandPath, pathSegments } from './paths.ts';
import type { Scope, VariableInfo } from './scope.ts';

/**
 * Where values flow, as far as joining threads is concerned: which names a spawned thread's handle
 * ends up under, and what a method call's receiver is.
 */

/** What a method call is called on, found by following the chain down to its first link. */
export interface ReceiverRoot {
  /** Expanded path of the call at the root of the chain, or the variable's known origin. */
  origin?: readonly string[];
  /** Names a join on this receiver waits for (the variable, the collection it was drawn from). */
  handles: string[];
  isSelf: boolean;
  variable?: VariableInfo;
  /** Ids of the method calls between the receiver and its root (`rt.spawn(f)` in `rt.spawn(f).await`). */
  chainCalls: number[];
}

export function receiverRoot(expression: RustNode, scope: Scope, container: string | undefined): ReceiverRoot {
  let node = expression;
  const chainCalls: number[] = [];
  for (;;) {
    switch (node.type) {
      case 'call_expression': {
        const callee = unwrapGeneric(node.childForFieldName('function'));
        if (callee?.type === 'field_expression') {
          chainCalls.push(node.id);
          node = callee.childForFieldName('value')!;
          continue;
        }
        const segments = pathSegments(callee);
        return { origin: segments && expandPath(segments, { scope, container }), handles: [chainHandle(node)], isSelf: false, chainCalls };
      }
      case 'field_expression': {
        const field = node.childForFieldName('field');
        return { handles: field ? [field.text] : [], isSelf: false, chainCalls };
      }
      case 'identifier': {
        const variable = scope.lookupVariable(node.text);
        const handles = [node.text];
        if (variable?.collection) handles.push(variable.collection);
        return { origin: variable?.origin, handles, isSelf: false, variable, chainCalls };
      }
      case 'self':
        return { handles: [], isSelf: true, chainCalls };
      case 'try_expression':
      case 'parenthesized_expression':
      case 'reference_expression':
      case 'await_expression':
      case 'type_cast_expression':
      case 'unary_expression': {
        const inner = node.childForFieldName('value') ?? node.namedChildren[0];
        if (!inner) return { handles: [], isSelf: false, chainCalls };
        node = inner;
        continue;
      }
      default:
        return { handles: [], isSelf: false, chainCalls };
    }
  }
}

export function unwrapGeneric(node: RustNode | null): RustNode | null {
  return node?.type === 'generic_function' ? node.childForFieldName('function') : node;
}

/** The variable or field a collection expression is rooted at (`handles.drain(..)` → `handles`). */
export function collectionName(expression: RustNode | null): string | undefined {
  let node = expression;
  while (node) {
    switch (node.type) {
      case 'identifier':
        return node.text;
      case 'field_expression':
        return node.childForFieldName('field')?.text;
      case 'call_expression': {
        const callee = node.childForFieldName('function');
        node = callee?.type === 'field_expression' ? callee.childForFieldName('value') : null;
        continue;
      }
      case 'reference_expression':
      case 'parenthesized_expression':
      case 'try_expression':
      case 'unary_expression':
      case 'range_expression':
        node = node.childForFieldName('value') ?? node.namedChildren[0] ?? null;
        continue;
      default:
        return undefined;
    }
  }
  return undefined;
}

/**
 * The names a value produced at `node` is stored under: `let h = spawn(..)`,
 * `handles.push(spawn(..))`, `let hs: Vec<_> = (0..n).map(|_| spawn(..)).collect()`,
 * `self.worker = Some(spawn(..))`, `Worker { handle: spawn(..) }`.
 */
export function bindingNames(node: RustNode): string[] {
  let current = node;
  for (let depth = 0; depth < 24; depth += 1) {
    const parent = current.parent;
    if (!parent) return [];
    switch (parent.type) {
      case 'field_expression': {
        const call = parent.parent;
        if (call?.type !== 'call_expression' || call.childForFieldName('function')?.id !== parent.id) return [];
        current = call;
        continue;
      }
      case 'try_expression':
      case 'parenthesized_expression':
      case 'reference_expression':
      case 'type_cast_expression':
      // `vec![spawn(a), spawn(b)]`: the macro's value holds the handles.
      case 'macro_invocation':
      case 'array_expression':
        current = parent;
        continue;
      case 'let_declaration':
        return patternNames(parent.childForFieldName('pattern'));
      case 'assignment_expression': {
        const name = collectionName(parent.childForFieldName('left'));
        return name ? [name] : [];
      }
      case 'field_initializer': {
        const field = parent.childForFieldName('field');
        return field ? [field.text] : [];
      }
      case 'arguments': {
        const call = parent.parent;
        const callee = call?.childForFieldName('function');
        if (!call || !callee) return [];
        // `handles.push(h)`, `set.insert(h)`: the collection holds the handle.
        if (callee.type === 'field_expression') {
          const name = collectionName(callee.childForFieldName('value'));
          return name ? [name] : [];
        }
        // `Some(h)`, `Ok(h)`: a variant wrapping the handle.
        const segments = pathSegments(callee);
        const last = segments?.[segments.length - 1];
        if (last && /^[A-Z]/.test(last)) {
          current = call;
          continue;
        }
        return [];
      }
      case 'closure_expression': {
        // `.map(|_| spawn(..))`: the closure's result flows into the enclosing call's result.
        const call = parent.parent?.type === 'arguments' ? parent.parent.parent : null;
        if (!call) return [];
        current = call;
        continue;
      }
      case 'block':
        // Only the block's value (its tail expression) flows on.
        if (parent.lastNamedChild?.id !== current.id) return [];
        current = parent;
        continue;
      case 'unsafe_block':
      case 'else_clause':
      case 'match_block':
        current = parent;
        continue;
      // `let h = if fast { spawn(a) } else { spawn(b) };`: the arms' values are the expression's.
      case 'if_expression':
      case 'match_expression':
        if (parent.childForFieldName(parent.type === 'if_expression' ? 'condition' : 'value')?.id === current.id) return [];
        current = parent;
        continue;
      case 'match_arm':
        if (parent.childForFieldName('value')?.id !== current.id) return [];
        current = parent;
        continue;
      default:
        return [];
    }
  }
  return [];
}

/** Identifiers bound by a pattern (`h`, `mut h`, `(tx, h)`, `Some(h)`). */
export function patternNames(pattern: RustNode | null): string[] {
  if (!pattern) return [];
  if (pattern.type === 'identifier') return pattern.text === '_' ? [] : [pattern.text];
  if (pattern.type === 'self') return [];
  const out: string[] = [];
  for (const child of pattern.namedChildren) {
    // A tuple-struct pattern's `type` field names the variant, not a binding.
    if (pattern.type === 'tuple_struct_pattern' && child.id === pattern.childForFieldName('type')?.id) continue;
    if (pattern.type === 'struct_pattern' && child.type !== 'field_pattern') continue;
    if (child.type === 'field_pattern') {
      // `Foo { a, b: x }`: the shorthand binds the field's name, the long form its pattern.
      const bound = child.childForFieldName('pattern');
      const name = child.childForFieldName('name');
      if (bound) out.push(...patternNames(bound));
      else if (name) out.push(name.text);
      continue;
    }
    if (child.type === 'scoped_identifier' || child.type === 'type_identifier') continue;
    // A match guard (`Some(h) if h > 1`) binds nothing.
    if (pattern.type === 'match_pattern' && child.id === pattern.childForFieldName('condition')?.id) continue;
    out.push(...patternNames(child));
  }
  return out;
}
