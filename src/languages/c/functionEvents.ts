import type { CatalogEntry } from '../../catalog/types.ts';
import type { ArgFact, CalleeRef, Event, Placement } from '../../facts/types.ts';
import { spanOf, type SyntaxNode } from '../../parse/treeSitter.ts';
import type { CApiIndex } from './catalogIndex.ts';
import {
  assignedName,
  declaredName,
  elementWriteBase,
  handleName,
  referencedIdentifier,
  sameNode,
  stringLiteralValue,
  unwrapExpression,
} from './syntax.ts';

/** What every function of one file can see. */
export interface FileScope {
  api: CApiIndex;
  /** Functions defined in this file: name → key of the first definition. */
  definedFunctions: ReadonlyMap<string, string>;
  /** File-scope variables initialized with a function or with `environ` (`static int (*set)(...) = setenv;`). */
  globalAliases: ReadonlyMap<string, string>;
}

export interface ParamInfo {
  name: string;
  /** Declared as an array of strings (`char **`, `char *[]`): writing its elements may rewrite `environ`. */
  stringArray: boolean;
}

interface WorkItem {
  node: SyntaxNode;
  place: Placement;
  /** The variable this expression's value is stored in (`t = <node>`), for `assignedTo` and GLib handles. */
  storedIn?: string;
}

const terminators = new Set(['break_statement', 'return_statement', 'continue_statement', 'goto_statement']);
/** Operands that are never evaluated: calls inside them do not run. */
const unevaluated = new Set(['sizeof_expression', 'alignof_expression', 'offsetof_expression']);
const preprocConditionals = new Set(['preproc_if', 'preproc_ifdef', 'preproc_elif', 'preproc_elifdef', 'preproc_else']);

/**
 * The ordered events of one C function body. A single pre-order walk with an explicit stack (deep
 * `else if` chains and long expressions must not overflow the JS stack), so events come out in
 * source order, each with the loops and conditional arms that enclose it.
 */
export function functionEvents(body: SyntaxNode, params: readonly ParamInfo[], scope: FileScope): Event[] {
  return new FunctionEventWalker(params, scope).walk(body);
}

class FunctionEventWalker {
  private readonly events: Event[] = [];
  /** Local variables bound in this function → the function or `environ` they alias ('' when none). */
  private readonly localAliases = new Map<string, string>();
  private readonly paramIndex = new Map<string, number>();
  private constructCount = 0;

  constructor(
    private readonly params: readonly ParamInfo[],
    private readonly scope: FileScope,
  ) {
    params.forEach((param, index) => {
      if (param.name && !this.paramIndex.has(param.name)) this.paramIndex.set(param.name, index);
    });
  }

  walk(body: SyntaxNode): Event[] {
    const stack: WorkItem[] = [{ node: body, place: { loops: [], branches: [] } }];
    for (let item = stack.pop(); item; item = stack.pop()) {
      const children = this.visit(item);
      for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
    }
    return this.events.sort((a, b) => a.span.line - b.span.line || a.span.column - b.span.column);
  }

  /** Emits the node's own event (if any) and returns its children to visit, in source order. */
  private visit({ node, place, storedIn }: WorkItem): WorkItem[] {
    switch (node.type) {
      case 'call_expression':
        this.visitCall(node, place, storedIn);
        return this.plain(node, place);
      case 'parenthesized_expression':
        return node.namedChildren.map((child) => ({ node: child, place, storedIn }));
      case 'cast_expression':
        return this.fields(node, [['value', place, storedIn]]);
      case 'assignment_expression': {
        this.visitAssignment(node, place);
        const left = node.childForFieldName('left');
        const plainAssignment = left && node.childForFieldName('operator')?.type === '=';
        return this.fields(node, [
          ['left', place],
          ['right', place, plainAssignment ? assignedName(left) || undefined : undefined],
        ]);
      }
      case 'declaration':
        this.visitDeclaration(node);
        return this.plain(node, place);
      case 'init_declarator': {
        const declared = this.bindLocal(node);
        return this.fields(node, [['value', place, declared]]);
      }
      case 'if_statement':
        return this.visitIf(node, place);
      case 'switch_statement':
        return this.visitSwitch(node, place);
      case 'conditional_expression': {
        const id = this.nextId('cond');
        return this.fields(node, [
          ['condition', place],
          ['consequence', withBranch(place, `${id}:0`)],
          ['alternative', withBranch(place, `${id}:1`)],
        ]);
      }
      case 'binary_expression': {
        const operator = node.childForFieldName('operator')?.type;
        if (operator !== '&&' && operator !== '||') return this.plain(node, place);
        const id = this.nextId(operator === '&&' ? 'and' : 'or');
        return this.fields(node, [
          ['left', place],
          ['right', withBranch(place, `${id}:0`)],
        ]);
      }
      case 'for_statement': {
        const inLoop = withLoop(place, this.nextId('for'));
        return this.fields(node, [
          ['initializer', place],
          ['condition', inLoop],
          ['update', inLoop],
          ['body', inLoop],
        ]);
      }
      case 'while_statement':
      case 'do_statement':
        return this.plain(node, withLoop(place, this.nextId(node.type === 'while_statement' ? 'while' : 'do')));
      case 'function_definition':
        // A GNU nested function is not part of the enclosing body's control flow.
        return [];
      default:
        if (unevaluated.has(node.type)) return [];
        if (preprocConditionals.has(node.type)) return this.visitPreprocConditional(node, place);
        return this.plain(node, place);
    }
  }

  private plain(node: SyntaxNode, place: Placement): WorkItem[] {
    return node.namedChildren.map((child) => ({ node: child, place }));
  }

  /** The given fields' nodes with their placements, sorted into source order. */
  private fields(node: SyntaxNode, wanted: Array<[string, Placement, string?]>): WorkItem[] {
    const out: WorkItem[] = [];
    for (const [field, place, storedIn] of wanted) {
      const child = node.childForFieldName(field);
      if (child) out.push(storedIn ? { node: child, place, storedIn } : { node: child, place });
    }
    return out.sort((a, b) => a.node.startIndex - b.node.startIndex);
  }

  private nextId(construct: string): string {
    return `${construct}${++this.constructCount}`;
  }

  private visitIf(node: SyntaxNode, place: Placement): WorkItem[] {
    const id = this.nextId('if');
    return this.fields(node, [
      ['condition', place],
      ['consequence', withBranch(place, `${id}:0`)],
      ['alternative', withBranch(place, `${id}:1`)],
    ]);
  }

  /**
   * Each group of cases that falls through into the next shares one arm: a spawn in `case 1:` that
   * falls into `case 2:` does run before `case 2:`'s statements.
   */
  private visitSwitch(node: SyntaxNode, place: Placement): WorkItem[] {
    const id = this.nextId('switch');
    const out: WorkItem[] = [];
    const condition = node.childForFieldName('condition');
    if (condition) out.push({ node: condition, place });
    let arm = 0;
    for (const child of node.childForFieldName('body')?.namedChildren ?? []) {
      if (child.type !== 'case_statement') {
        out.push({ node: child, place });
        continue;
      }
      const armPlace = withBranch(place, `${id}:${arm}`);
      const value = child.childForFieldName('value');
      for (const statement of child.namedChildren) {
        if (!sameNode(statement, value)) out.push({ node: statement, place: armPlace });
      }
      if (endsWithJump(child)) arm++;
    }
    return out;
  }

  /** `#if A ... #elif B ... #else ... #endif` inside a body: exactly one arm is compiled. */
  private visitPreprocConditional(node: SyntaxNode, place: Placement): WorkItem[] {
    const id = this.nextId('pp');
    const out: WorkItem[] = [];
    let arm = 0;
    for (let current: SyntaxNode | null = node; current; arm++) {
      const armPlace = withBranch(place, `${id}:${arm}`);
      const condition = current.childForFieldName('condition') ?? current.childForFieldName('name');
      const alternative = current.childForFieldName('alternative');
      for (const child of current.namedChildren) {
        if (!sameNode(child, condition) && !sameNode(child, alternative)) out.push({ node: child, place: armPlace });
      }
      current = alternative;
    }
    return out;
  }

  private visitCall(call: SyntaxNode, place: Placement, storedIn: string | undefined): void {
    const calleeNode = call.childForFieldName('function');
    if (!calleeNode) return;
    const args = (call.childForFieldName('arguments')?.namedChildren ?? []).filter((arg) => arg.type !== 'comment');
    const target = this.functionTarget(calleeNode);
    const entry = target.resolved ? this.scope.api.calls.get(target.name) : undefined;
    if (entry) {
      this.emitApiCall(entry, call, args, place, storedIn);
      return;
    }
    const callee: CalleeRef = { name: target.name, path: [target.name] };
    const local = target.resolved ? this.scope.definedFunctions.get(target.name) : undefined;
    if (local !== undefined) callee.local = local;
    const argFacts = args.map((arg) => this.argFact(arg));
    this.events.push({
      kind: 'call',
      callee,
      ...(argFacts.some((fact) => fact !== null) ? { args: argFacts } : {}),
      ...(storedIn ? { assignedTo: storedIn } : {}),
      span: spanOf(call),
      ...copy(place),
    });
  }

  /**
   * The function an expression designates: a function's own name, or what a pointer variable was
   * last set to in this file. A local pointer of unknown value keeps its text and stays unresolved.
   */
  private functionTarget(expression: SyntaxNode): { name: string; resolved: boolean } {
    const identifier = referencedIdentifier(expression, { throughDeref: true });
    const resolved = identifier === undefined ? undefined : this.resolve(identifier);
    if (identifier === undefined || (resolved === identifier && this.isLocal(identifier))) {
      return { name: unwrapExpression(expression).text.replace(/\s+/g, ''), resolved: false };
    }
    return { name: resolved!, resolved: true };
  }

  private emitApiCall(entry: CatalogEntry, call: SyntaxNode, args: SyntaxNode[], place: Placement, storedIn: string | undefined): void {
    const span = spanOf(call);
    const argAt = (index: number | undefined): SyntaxNode | undefined => (index === undefined ? undefined : args[index]);
    switch (entry.kind) {
      case 'env.write':
      case 'env.read': {
        const variable = variableName(argAt(entry.variableArg));
        this.events.push({ kind: entry.kind, api: entry.id, ...(variable ? { variable } : {}), span, ...copy(place) });
        return;
      }
      case 'exec':
        this.events.push({ kind: 'exec', api: entry.id, span, ...copy(place) });
        return;
      case 'join': {
        const handle = argAt(entry.handleArg);
        const name = handle ? handleName(handle) : '';
        this.events.push({ kind: 'join', api: entry.id, handles: name ? [name] : [], span, ...copy(place) });
        return;
      }
      case 'spawn':
      case 'runtime': {
        const bodyArg = entry.kind === 'spawn' ? argAt(entry.bodyArg) : undefined;
        const body = bodyArg ? this.bodyCallee(bodyArg) : undefined;
        const handleArg = argAt(entry.handleArg);
        const handle = handleArg ? handleName(handleArg) : storedIn;
        this.events.push({
          kind: 'spawn',
          api: entry.id,
          ...(body ? { body: { callee: body } } : {}),
          handles: handle ? [handle] : [],
          span,
          ...copy(place),
        });
        return;
      }
      default:
        return;
    }
  }

  /** The thread's start routine: `worker`, `&worker`, a cast of it, or a pointer variable holding it. */
  private bodyCallee(arg: SyntaxNode): CalleeRef | undefined {
    if (unwrapExpression(arg).type === 'null') return undefined;
    const target = this.functionTarget(arg);
    if (!target.name) return undefined;
    const callee: CalleeRef = { name: target.name, path: [target.name] };
    const local = target.resolved ? this.scope.definedFunctions.get(target.name) : undefined;
    if (local !== undefined) callee.local = local;
    return callee;
  }

  private visitAssignment(node: SyntaxNode, place: Placement): void {
    const left = node.childForFieldName('left');
    const right = node.childForFieldName('right');
    if (!left) return;
    const target = unwrapExpression(left);
    if (target.type === 'identifier') {
      const entry = this.isLocal(target.text) ? undefined : this.scope.api.environVariables.get(target.text);
      if (entry) this.events.push({ kind: 'env.write', api: entry.id, span: spanOf(node), ...copy(place) });
      else if (right && node.childForFieldName('operator')?.type === '=') this.alias(target.text, right);
      return;
    }
    const base = elementWriteBase(target);
    if (base?.type !== 'identifier') return;
    const environEntry = this.environEntry(base);
    if (environEntry) {
      this.events.push({ kind: 'env.write', api: environEntry.id, span: spanOf(node), ...copy(place) });
      return;
    }
    const param = this.paramIndex.get(base.text);
    if (param !== undefined && !this.localAliases.has(base.text) && this.params[param]!.stringArray) {
      const entry = this.firstEnvironEntry();
      if (entry) this.events.push({ kind: 'env.write', api: entry.id, param, span: spanOf(node), ...copy(place) });
    }
  }

  /** Local declarations shadow file-scope aliases, even without an initializer. */
  private visitDeclaration(node: SyntaxNode): void {
    for (const declarator of node.childrenForFieldName('declarator')) {
      if (declarator.type === 'init_declarator') continue;
      const declared = declaredName(declarator);
      if (declared && !declared.functionDeclarator) this.localAliases.set(declared.name.text, '');
    }
  }

  /** Returns the declared variable's name. */
  private bindLocal(initDeclarator: SyntaxNode): string | undefined {
    const declared = declaredName(initDeclarator.childForFieldName('declarator'));
    const value = initDeclarator.childForFieldName('value');
    if (!declared) return undefined;
    if (value) this.alias(declared.name.text, value);
    else this.localAliases.set(declared.name.text, '');
    return declared.name.text;
  }

  /** `fp = setenv;`, `char **env = environ;`: later uses of the variable mean the aliased name. */
  private alias(variable: string, value: SyntaxNode): void {
    const identifier = referencedIdentifier(value, { throughDeref: false });
    this.localAliases.set(variable, identifier === undefined ? '' : this.resolve(identifier));
  }

  /** Declared in this function (a local or a parameter), so it hides any file-scope name. */
  private isLocal(name: string): boolean {
    return this.localAliases.has(name) || this.paramIndex.has(name);
  }

  private resolve(name: string): string {
    const local = this.localAliases.get(name);
    if (local !== undefined) return local || name;
    if (this.paramIndex.has(name)) return name;
    return this.scope.globalAliases.get(name) ?? name;
  }

  private environEntry(node: SyntaxNode): CatalogEntry | undefined {
    const target = unwrapExpression(node);
    if (target.type !== 'identifier') return undefined;
    return this.scope.api.environVariables.get(this.resolve(target.text));
  }

  private firstEnvironEntry(): CatalogEntry | undefined {
    return this.scope.api.environVariables.values().next().value;
  }

  private argFact(arg: SyntaxNode): ArgFact {
    if (this.environEntry(arg)) return { env: true };
    const target = unwrapExpression(arg);
    if (target.type !== 'identifier' || this.localAliases.has(target.text)) return null;
    const param = this.paramIndex.get(target.text);
    return param === undefined ? null : { param };
  }
}

function withBranch(place: Placement, arm: string): Placement {
  return { loops: place.loops, branches: [...place.branches, arm] };
}

function withLoop(place: Placement, loop: string): Placement {
  return { loops: [...place.loops, loop], branches: place.branches };
}

function copy(place: Placement): Placement {
  return { loops: [...place.loops], branches: [...place.branches] };
}

function endsWithJump(caseStatement: SyntaxNode): boolean {
  let last = lastStatement(caseStatement);
  while (last?.type === 'compound_statement') last = lastStatement(last);
  return !!last && terminators.has(last.type);
}

function lastStatement(node: SyntaxNode): SyntaxNode | undefined {
  const children = node.namedChildren;
  for (let i = children.length - 1; i >= 0; i--) if (children[i]!.type !== 'comment') return children[i];
  return undefined;
}

/** A literal variable name; `putenv("TZ=UTC")` names `TZ`. */
function variableName(arg: SyntaxNode | undefined): string | undefined {
  const value = arg ? stringLiteralValue(arg) : undefined;
  if (value === undefined) return undefined;
  const name = value.split('=', 1)[0]!;
  return name || undefined;
}
