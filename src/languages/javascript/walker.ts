import type { TSESTree } from '@typescript-eslint/typescript-estree';
import type { ArgFact, BodyRef, Event, ExportFact, FunctionFact, ImportFact } from '../../facts/types.ts';
import type { JavascriptCatalogEntry, JavascriptCatalogIndex } from './catalogIndex.ts';
import { matchCatalog, scriptBody, type CatalogMatch } from './callMatching.ts';
import { moduleFunctionKey } from './conventions.ts';
import { ExportsTracker } from './exportsTracker.ts';
import { T } from './nodeTypes.ts';
import { Scope, unknownValue, type Value } from './scope.ts';
import {
  anonymousKey,
  boundTarget,
  classMemberFunction,
  commonJsExport,
  computedName,
  declaredNames,
  isNameChain,
  isNode,
  lastSegment,
  moduleExportName,
  paramNames,
  receiverName,
  requireOf,
  spanOf,
  startOf,
  type ClassNode,
  type FunctionNode,
  type Node,
} from './syntax.ts';
import {
  calleeRefOf,
  isFunctionNode,
  keyName,
  memberValue,
  moduleValue,
  propertyName,
  requireSpecifier,
  staticString,
  unwrap,
  valueOf,
  type ValueContext,
} from './values.ts';

type Distribute<U> = U extends unknown ? Omit<U, 'span' | 'loops' | 'branches'> : never;
type EventPayload = Distribute<Event>;

/** The function whose event list is being filled; inlined callbacks share their enclosing builder. */
interface FunctionBuilder {
  fact: FunctionFact;
  loopCount: number;
  constructCount: number;
}

interface Context extends ValueContext {
  fn: FunctionBuilder;
  loops: string[];
  branches: string[];
}

/** What the position of an expression tells about it. */
interface Use {
  /** Name for a function, class or object literal defined here (`const handler = () => {}` → `handler`). */
  nameHint?: string;
  /** Container of a function defined here (the object a method is a member of). */
  container?: string;
  /** The variable a call's result is bound to. */
  assignedTo?: string;
  /** Functions here are callbacks that the event loop runs later (arguments of non-synchronous calls). */
  deferred?: boolean;
  /** The expression's promise is awaited here. */
  awaited?: boolean;
}

interface Naming {
  key: string;
  name: string;
  container?: string;
  nameNode?: Node;
  /** `this` inside a method body. */
  thisValue?: Value;
}

const noUse: Use = {};
/** Keys of estree nodes that never hold runtime code (types) or are not children. */
const skippedKeys = new Set([
  'type', 'loc', 'range', 'parent', 'typeAnnotation', 'returnType', 'typeParameters', 'typeArguments',
  'superTypeArguments', 'superTypeParameters', 'implements',
]);
/** The catalog notation of the structural environment writes and reads (see rules/catalog/javascript.json). */
const envShapes = {
  assignProperty: 'process.env.*',
  deleteProperty: 'delete process.env.*',
  replaceObject: 'process.env',
  readProperty: 'process.env.*',
} as const;

export interface WalkResult {
  functions: FunctionFact[];
  imports: ImportFact[];
  exports: ExportFact[];
}

/**
 * One walk over a typescript-estree Program that emits the language-neutral facts: functions, their
 * ordered events with loop/branch placement, imports and exports.
 */
export class JavascriptFactsWalker {
  private readonly functions: FunctionFact[] = [];
  private readonly functionsByKey = new Map<string, FunctionFact>();
  private readonly imports: ImportFact[] = [];
  private readonly exportsTracker = new ExportsTracker();
  /** Key given to each function node (allocated at first sight: hoisting or the walk). */
  private readonly keys = new Map<Node, string>();
  private readonly usedKeys = new Set<string>([moduleFunctionKey]);
  /** Values of function, class and object-literal nodes that were given names. */
  private readonly definitions = new Map<Node, Value>();
  private readonly valueOfDefinition = (node: Node): Value | undefined => this.definitions.get(node);
  private readonly envEntries: Record<keyof typeof envShapes, JavascriptCatalogEntry | undefined>;

  constructor(private readonly catalog: JavascriptCatalogIndex) {
    this.envEntries = {
      assignProperty: catalog.entryNamed('env.write', envShapes.assignProperty),
      deleteProperty: catalog.entryNamed('env.write', envShapes.deleteProperty),
      replaceObject: catalog.entryNamed('env.write', envShapes.replaceObject),
      readProperty: catalog.entryNamed('env.read', envShapes.readProperty),
    };
  }

  run(program: TSESTree.Program): WalkResult {
    const programSpan = spanOf(program);
    const moduleFact: FunctionFact = {
      key: moduleFunctionKey,
      name: moduleFunctionKey,
      qualifiedName: moduleFunctionKey,
      span: { ...programSpan, line: 0, column: 0 },
      nameSpan: { line: 0, column: 0, endLine: 0, endColumn: 0 },
      exported: false,
      params: [],
      entry: 'module',
      events: [],
    };
    this.register(moduleFact);
    const moduleScope = new Scope(undefined, true);
    const context: Context = {
      fn: { fact: moduleFact, loopCount: 0, constructCount: 0 },
      scope: moduleScope,
      loops: [],
      branches: [],
      valueOfDefinition: this.valueOfDefinition,
    };
    this.hoist(program.body, context);
    for (const statement of program.body) this.visit(statement, context);
    const exports = this.exportsTracker.finish(moduleScope, this.functionsByKey, this.imports);
    for (const fact of this.functions) fact.events.sort((a, b) => a.span.line - b.span.line || a.span.column - b.span.column);
    const functions = [...this.functions].sort(
      (a, b) => Number(b.key === moduleFunctionKey) - Number(a.key === moduleFunctionKey) || a.span.line - b.span.line || a.span.column - b.span.column,
    );
    return { functions, imports: this.imports, exports };
  }

  // ---------------------------------------------------------------- keys, definitions, hoisting

  private keyFor(node: Node, preferred: string): string {
    let key = this.keys.get(node);
    if (key !== undefined) return key;
    key = preferred;
    if (this.usedKeys.has(key)) {
      const { line, column } = spanOf(node);
      key = `${preferred}@${line + 1}:${column + 1}`;
      for (let n = 2; this.usedKeys.has(key); n++) key = `${preferred}@${line + 1}:${column + 1}#${n}`;
    }
    this.usedKeys.add(key);
    this.keys.set(node, key);
    this.definitions.set(node, { kind: 'function', key });
    return key;
  }

  private register(fact: FunctionFact): void {
    this.functions.push(fact);
    this.functionsByKey.set(fact.key, fact);
  }

  /**
   * Declarations visible in a whole scope before the walk reaches them: function and class
   * declarations, imports, then variables whose value is evident (`const env = process.env`,
   * `const handler = () => {}`), so code above them (function bodies run later) resolves them.
   */
  private hoist(statements: readonly Node[], context: Context): void {
    const variables: TSESTree.VariableDeclaration[] = [];
    for (const statement of statements) {
      const declaration =
        (statement.type === T.ExportNamedDeclaration || statement.type === T.ExportDefaultDeclaration) && statement.declaration
          ? statement.declaration
          : statement;
      switch (declaration.type) {
        case T.FunctionDeclaration: {
          const key = this.keyFor(declaration, declaration.id?.name ?? 'default');
          if (declaration.id) context.scope.declare(declaration.id.name, { kind: 'function', key });
          break;
        }
        case T.ClassDeclaration: {
          const classValue = this.classValueFor(declaration, declaration.id?.name ?? 'default');
          if (declaration.id) context.scope.declare(declaration.id.name, classValue);
          break;
        }
        case T.ImportDeclaration:
          this.importDeclaration(declaration, context);
          break;
        case T.TSImportEqualsDeclaration:
          this.importEquals(declaration, context);
          break;
        case T.VariableDeclaration:
          variables.push(declaration);
          break;
        default:
          break;
      }
    }
    for (const declaration of variables) {
      const scope = declaration.kind === 'var' ? context.scope.functionScope() : context.scope;
      for (const declarator of declaration.declarations) {
        if (declarator.id.type !== T.Identifier) continue;
        const name = declarator.id.name;
        scope.declare(name, placeholder(this.definitionValue(declarator.init, name, context), name));
      }
    }
  }

  /** The value a declarator's initializer gives its name, defining names for functions/classes/objects. */
  private definitionValue(init: Node | null, name: string, context: Context): Value {
    if (!init) return unknownValue;
    const expression = unwrap(init);
    if (isFunctionNode(expression)) return { kind: 'function', key: this.keyFor(expression, name) };
    if (expression.type === T.ClassExpression) return this.classValueFor(expression, expression.id?.name ?? name);
    if (expression.type === T.ObjectExpression) return this.objectValueFor(expression, name, context);
    return valueOf(expression, context);
  }

  private classValueFor(node: ClassNode, name: string): Extract<Value, { kind: 'class' }> {
    const known = this.definitions.get(node);
    if (known?.kind === 'class') return known;
    const members = new Map<string, string>();
    const publicKeys: string[] = [];
    for (const member of node.body.body) {
      const fn = classMemberFunction(member);
      if (!fn || !('key' in member)) continue;
      const memberName = keyName(member.key, member.computed) ?? computedName(member.key);
      const key = this.keyFor(fn, `${name}.${memberName}`);
      if (!members.has(memberName)) members.set(memberName, key);
      const isPrivate = memberName.startsWith('#') || ('accessibility' in member && member.accessibility === 'private');
      if (!isPrivate) publicKeys.push(key);
    }
    const value: Extract<Value, { kind: 'class' }> = { kind: 'class', name, members, publicKeys };
    this.definitions.set(node, value);
    return value;
  }

  /** An object literal's members (functions get keys `prefix.member`, or `member` without a prefix). */
  private objectValueFor(node: TSESTree.ObjectExpression, prefix: string | undefined, context: Context): Value {
    const known = this.definitions.get(node);
    if (known) return known;
    const members = new Map<string, Value>();
    for (const property of node.properties) {
      if (property.type !== T.Property) continue;
      const name = keyName(property.key, property.computed);
      if (name === undefined) continue;
      const memberPath = prefix === undefined ? name : `${prefix}.${name}`;
      const value = unwrap(property.value);
      if (isFunctionNode(value)) members.set(name, { kind: 'function', key: this.keyFor(value, memberPath) });
      else if (value.type === T.ObjectExpression) members.set(name, this.objectValueFor(value, memberPath, context));
      else if (value.type === T.Identifier || value.type === T.MemberExpression) {
        const resolved = valueOf(value, context);
        if (resolved.kind !== 'unknown' && resolved.kind !== 'local' && resolved.kind !== 'global') members.set(name, resolved);
      }
    }
    const value: Value = { kind: 'object', name: prefix ?? '(object)', members };
    this.definitions.set(node, value);
    return value;
  }

  // ---------------------------------------------------------------- imports and exports

  private importDeclaration(node: TSESTree.ImportDeclaration, context: Context): void {
    if (node.importKind === 'type') return;
    const source = node.source.value;
    const span = spanOf(node);
    if (node.specifiers.length === 0) {
      // Side-effect import: the module's top-level code runs, nothing is bound.
      this.imports.push({ kind: 'import', local: '', source, imported: '*', span });
      return;
    }
    for (const specifier of node.specifiers) {
      const local = specifier.local.name;
      let imported: string;
      if (specifier.type === T.ImportDefaultSpecifier) {
        imported = 'default';
        context.scope.declare(local, moduleValue(source, [], 'default'));
      } else if (specifier.type === T.ImportNamespaceSpecifier) {
        imported = '*';
        context.scope.declare(local, moduleValue(source, [], 'namespace'));
      } else {
        if (specifier.importKind === 'type') continue;
        imported = moduleExportName(specifier.imported);
        context.scope.declare(local, moduleValue(source, [imported], 'named'));
      }
      this.imports.push({ kind: 'import', local, source, imported, span: spanOf(specifier) });
    }
  }

  /** TypeScript `import x = require('y')`. */
  private importEquals(node: TSESTree.TSImportEqualsDeclaration, context: Context): void {
    if (node.importKind === 'type' || node.moduleReference.type !== T.TSExternalModuleReference) return;
    const source = staticString(node.moduleReference.expression);
    if (source === undefined) return;
    context.scope.declare(node.id.name, moduleValue(source, [], 'namespace'));
    this.imports.push({ kind: 'require', local: node.id.name, source, imported: '*', span: spanOf(node) });
  }

  private exportNamed(node: TSESTree.ExportNamedDeclaration, context: Context): void {
    if (node.exportKind === 'type') return;
    if (node.declaration) {
      this.visit(node.declaration, context);
      for (const name of declaredNames(node.declaration)) this.exportsTracker.exportName(name, name, spanOf(node));
      return;
    }
    const source = node.source?.value;
    for (const specifier of node.specifiers) {
      if (specifier.exportKind === 'type') continue;
      const local = moduleExportName(specifier.local);
      const exported = moduleExportName(specifier.exported);
      if (source === undefined) {
        this.exportsTracker.exportName(exported, local, spanOf(specifier));
      } else {
        this.imports.push({ kind: 'reexport', local: exported, source, imported: local, span: spanOf(specifier) });
        this.exportsTracker.exportFact(exported, exported);
      }
    }
  }

  private exportAll(node: TSESTree.ExportAllDeclaration): void {
    if (node.exportKind === 'type') return;
    const local = node.exported ? moduleExportName(node.exported) : '*';
    this.imports.push({ kind: 'reexport', local, source: node.source.value, imported: '*', span: spanOf(node) });
    if (node.exported) this.exportsTracker.exportFact(local, local);
  }

  /** `export default ...`, `module.exports = ...`, TypeScript `export = ...`. */
  private exportDefault(declaration: Node, context: Context): void {
    const span = spanOf(declaration);
    const expression = unwrap(declaration);
    if (expression.type === T.Identifier) {
      this.exportsTracker.exportName('default', expression.name, span);
      return;
    }
    if (expression.type === T.FunctionDeclaration || isFunctionNode(expression)) {
      const key = this.defineFunction(expression, context, namingOf(expression, 'default'));
      this.exportsTracker.exportValue('default', { kind: 'function', key }, span);
      return;
    }
    if (expression.type === T.ClassDeclaration || expression.type === T.ClassExpression) {
      this.exportsTracker.exportValue('default', this.defineClass(expression, context, { nameHint: 'default' }), span);
      return;
    }
    if (expression.type === T.ObjectExpression) {
      const value = this.objectValueFor(expression, undefined, context);
      this.visit(expression, context);
      this.exportsTracker.exportValue('default', value, span);
      return;
    }
    this.visit(expression, context);
    this.exportsTracker.exportValue('default', valueOf(expression, context), span);
  }

  /** `exports.name = ...` / `module.exports.name = ...`. */
  private exportNamedValue(name: string, right: Node, context: Context): void {
    const span = spanOf(right);
    const expression = unwrap(right);
    if (isFunctionNode(expression)) {
      const key = this.defineFunction(expression, context, { key: name, name });
      this.exportsTracker.exportValue(name, { kind: 'function', key }, span);
      return;
    }
    const value = this.definitionValue(expression, name, context);
    this.visit(expression, context, { nameHint: name });
    if (expression.type === T.Identifier && (value.kind === 'module' || value.kind === 'unknown' || value.kind === 'global')) {
      this.exportsTracker.exportName(name, expression.name, span);
    } else {
      this.exportsTracker.exportValue(name, value, span);
    }
  }

  // ---------------------------------------------------------------- functions and classes

  private defineFunction(node: FunctionNode, context: Context, naming: Naming): string {
    const key = this.keyFor(node, naming.key);
    if (this.functionsByKey.has(key)) return key;
    const fact: FunctionFact = {
      key,
      name: naming.name,
      qualifiedName: naming.container === undefined ? naming.name : `${naming.container}.${naming.name}`,
      ...(naming.container === undefined ? {} : { container: naming.container }),
      span: spanOf(node),
      nameSpan: naming.nameNode ? spanOf(naming.nameNode) : startOf(node),
      exported: false,
      params: paramNames(node.params),
      events: [],
    };
    this.register(fact);
    const scope = new Scope(context.scope, true);
    const inner: Context = {
      ...context,
      fn: { fact, loopCount: 0, constructCount: 0 },
      scope,
      loops: [],
      branches: [],
      thisValue: node.type === T.ArrowFunctionExpression ? context.thisValue : naming.thisValue,
    };
    this.bindParams(node.params, inner, (index, name) => ({ kind: 'param', index, owner: key, name }));
    this.functionBody(node, inner);
    return key;
  }

  /** A callback whose body runs right here (IIFE, `forEach`, `new Promise`): its events join the caller's. */
  private inlineFunction(node: TSESTree.FunctionExpression | TSESTree.ArrowFunctionExpression, context: Context, argValues: Value[]): void {
    const inner: Context = {
      ...context,
      scope: new Scope(context.scope, true),
      thisValue: node.type === T.ArrowFunctionExpression ? context.thisValue : undefined,
    };
    this.bindParams(node.params, inner, (index, name) => placeholder(argValues[index] ?? unknownValue, name));
    this.functionBody(node, inner);
  }

  private bindParams(params: readonly TSESTree.Parameter[], context: Context, valueFor: (index: number, name: string) => Value): void {
    let index = 0;
    for (const raw of params) {
      const param = raw.type === T.TSParameterProperty ? raw.parameter : raw;
      if (param.type === T.Identifier && param.name === 'this') continue; // TS `this:` annotation, not an argument
      if (param.type === T.Identifier) {
        context.scope.declare(param.name, valueFor(index, param.name));
      } else if (param.type === T.AssignmentPattern) {
        this.visit(param.right, context);
        const fallback = valueOf(param.right, context);
        if (param.left.type === T.Identifier) {
          // `function f(env = process.env)`: callers that pass nothing write the environment itself.
          context.scope.declare(param.left.name, fallback.kind === 'env' ? fallback : valueFor(index, param.left.name));
        } else {
          this.declarePattern(param.left, unknownValue, context.scope, context);
        }
      } else {
        this.declarePattern(param, unknownValue, context.scope, context);
      }
      index++;
    }
  }

  private functionBody(node: FunctionNode, context: Context): void {
    if (!node.body) return;
    if (node.body.type === T.BlockStatement) {
      this.hoist(node.body.body, context);
      for (const statement of node.body.body) this.visit(statement, context);
    } else {
      this.visit(node.body, context);
    }
  }

  private defineClass(node: ClassNode, context: Context, use: Use): Value {
    const { line, column } = spanOf(node);
    const name = node.id?.name ?? use.nameHint ?? `<class@${line + 1}:${column + 1}>`;
    const classValue = this.classValueFor(node, name);
    if (node.type === T.ClassDeclaration && node.id) context.scope.declare(node.id.name, classValue);
    this.visit(node.superClass, context);
    for (const decorator of node.decorators) this.visit(decorator, context);
    const thisValue: Value = { kind: 'this', className: name, members: classValue.members };
    const inClass: Context = { ...context, thisValue };
    for (const member of node.body.body) {
      if ('decorators' in member) for (const decorator of member.decorators) this.visit(decorator, context);
      if ('computed' in member && member.computed && 'key' in member) this.visit(member.key, context);
      const fn = classMemberFunction(member);
      if (fn && 'key' in member) {
        const memberName = keyName(member.key, member.computed) ?? computedName(member.key);
        this.defineFunction(fn, inClass, { key: `${name}.${memberName}`, name: memberName, container: name, nameNode: member.key, thisValue });
      } else if (member.type === T.PropertyDefinition || member.type === T.AccessorProperty) {
        this.visit(member.value, inClass);
      } else if (member.type === T.StaticBlock) {
        this.block(member.body, inClass);
      }
    }
    return classValue;
  }

  // ---------------------------------------------------------------- the walk

  private visit(node: Node | null | undefined, context: Context, use: Use = noUse): void {
    if (!node) return;
    switch (node.type) {
      case T.ImportDeclaration:
      case T.TSImportEqualsDeclaration:
      case T.TSInterfaceDeclaration:
      case T.TSTypeAliasDeclaration:
      case T.TSDeclareFunction:
      case T.Identifier:
      case T.Literal:
      case T.ThisExpression:
      case T.Super:
      case T.PrivateIdentifier:
      case T.TemplateElement:
      case T.MetaProperty:
      case T.ImportExpression:
        return;
      case T.ExportNamedDeclaration:
        return this.exportNamed(node, context);
      case T.ExportDefaultDeclaration:
        return this.exportDefault(node.declaration, context);
      case T.ExportAllDeclaration:
        return this.exportAll(node);
      case T.TSExportAssignment:
        return this.exportDefault(node.expression, context);
      case T.FunctionDeclaration:
        this.defineFunction(node, context, namingOf(node, 'default'));
        return;
      case T.ClassDeclaration:
      case T.ClassExpression:
        this.defineClass(node, context, use);
        return;
      case T.VariableDeclaration:
        for (const declarator of node.declarations) this.declarator(declarator, node.kind, context);
        return;
      case T.TSModuleDeclaration:
        if (!node.declare && node.body) this.visit(node.body, context);
        return;
      case T.TSModuleBlock:
      case T.BlockStatement:
        return this.block(node.body, context);
      case T.IfStatement: {
        this.visit(node.test, context);
        const construct = this.construct(context, 'if');
        this.visit(node.consequent, inArm(context, construct, 0));
        this.visit(node.alternate, inArm(context, construct, 1));
        return;
      }
      case T.ConditionalExpression: {
        this.visit(node.test, context);
        const construct = this.construct(context, 'ternary');
        this.visit(node.consequent, inArm(context, construct, 0), use);
        this.visit(node.alternate, inArm(context, construct, 1), use);
        return;
      }
      case T.LogicalExpression: {
        this.visit(node.left, context, use);
        this.visit(node.right, inArm(context, this.construct(context, node.operator === '&&' ? 'and' : node.operator === '||' ? 'or' : 'nullish'), 1), use);
        return;
      }
      case T.SwitchStatement:
        return this.switchStatement(node, context);
      case T.TryStatement:
        return this.tryStatement(node, context);
      case T.ForStatement: {
        const scoped = withScope(context);
        this.visit(node.init, scoped);
        const looped = this.inLoop(scoped);
        this.visit(node.test, looped);
        this.visit(node.body, looped);
        this.visit(node.update, looped);
        return;
      }
      case T.ForInStatement:
      case T.ForOfStatement: {
        this.visit(node.right, context);
        const looped = this.inLoop(withScope(context));
        const left = node.left.type === T.VariableDeclaration ? node.left.declarations[0]?.id : node.left;
        if (left) this.declarePattern(left, unknownValue, looped.scope, looped);
        this.visit(node.body, looped);
        return;
      }
      case T.WhileStatement:
      case T.DoWhileStatement: {
        const looped = this.inLoop(context);
        this.visit(node.test, looped);
        this.visit(node.body, looped);
        return;
      }
      case T.CallExpression:
      case T.NewExpression:
        return this.call(node, context, use);
      case T.AssignmentExpression:
        return this.assignment(node, context);
      case T.UpdateExpression:
        return this.update(node, context);
      case T.UnaryExpression:
        return this.unary(node, context);
      case T.MemberExpression:
        return this.memberRead(node, context);
      case T.SpreadElement:
        return this.spread(node, context);
      case T.ArrowFunctionExpression:
      case T.FunctionExpression:
        return this.functionExpression(node, context, use);
      case T.ObjectExpression:
        return this.objectExpression(node, context, use);
      case T.ArrayExpression:
        for (const element of node.elements) {
          if (use.deferred && element) this.argument(element, context, true);
          else this.visit(element, context);
        }
        return;
      case T.AwaitExpression:
        return this.visit(node.argument, context, { ...(use.assignedTo === undefined ? {} : { assignedTo: use.assignedTo }), awaited: true });
      case T.ChainExpression:
      case T.TSAsExpression:
      case T.TSNonNullExpression:
      case T.TSSatisfiesExpression:
      case T.TSTypeAssertion:
      case T.TSInstantiationExpression:
        return this.visit(node.expression, context, use);
      case T.JSXExpressionContainer:
        // Functions in JSX attributes are event handlers: React calls them later.
        if (node.expression.type !== T.JSXEmptyExpression) this.argument(node.expression, context);
        return;
      default:
        return this.children(node, context);
    }
  }

  private children(node: Node, context: Context): void {
    const record = node as unknown as Record<string, unknown>;
    for (const key in record) {
      if (skippedKeys.has(key)) continue;
      const child = record[key];
      if (Array.isArray(child)) {
        for (const item of child) if (isNode(item)) this.visit(item, context);
      } else if (isNode(child)) {
        this.visit(child, context);
      }
    }
  }

  private block(statements: readonly Node[], context: Context): void {
    const scoped = withScope(context);
    this.hoist(statements, scoped);
    for (const statement of statements) this.visit(statement, scoped);
  }

  private switchStatement(node: TSESTree.SwitchStatement, context: Context): void {
    this.visit(node.discriminant, context);
    const construct = this.construct(context, 'switch');
    const scoped = withScope(context);
    this.hoist(node.cases.flatMap((switchCase) => switchCase.consequent), scoped);
    node.cases.forEach((switchCase, index) => {
      const arm = inArm(scoped, construct, index);
      this.visit(switchCase.test, arm);
      for (const statement of switchCase.consequent) this.visit(statement, arm);
    });
  }

  private tryStatement(node: TSESTree.TryStatement, context: Context): void {
    this.visit(node.block, context);
    if (node.handler) {
      // The catch body runs only when the try block threw: an arm of its own.
      const arm = withScope(inArm(context, this.construct(context, 'try'), 1));
      if (node.handler.param) this.declarePattern(node.handler.param, unknownValue, arm.scope, arm);
      this.visit(node.handler.body, arm);
    }
    this.visit(node.finalizer, context);
  }

  private construct(context: Context, kind: string): string {
    return `${kind}${++context.fn.constructCount}`;
  }

  private inLoop(context: Context): Context {
    return { ...context, loops: [...context.loops, `loop${++context.fn.loopCount}`] };
  }

  // ---------------------------------------------------------------- declarations

  private declarator(declarator: TSESTree.VariableDeclarator, kind: TSESTree.VariableDeclaration['kind'], context: Context): void {
    const scope = kind === 'var' ? context.scope.functionScope() : context.scope;
    const { id, init } = declarator;
    const specifier = init ? requireOf(init, context.scope) : undefined;
    if (id.type === T.Identifier) {
      if (init) this.visit(init, context, { nameHint: id.name, assignedTo: id.name });
      scope.declare(id.name, placeholder(this.definitionValue(init, id.name, context), id.name));
      if (specifier) {
        this.imports.push({ kind: 'require', local: id.name, source: specifier.source, imported: specifier.path[0] ?? '*', span: spanOf(declarator) });
      }
      return;
    }
    if (init) this.visit(init, context);
    this.declarePattern(id, init ? valueOf(init, context) : unknownValue, scope, context, specifier);
  }

  /**
   * Binds the names of a destructuring pattern to the matching members of `value`
   * (`const { env } = process`, `const { lookup } = require('dns')`, `const { HOME } = process.env`).
   */
  private declarePattern(
    pattern: Node,
    value: Value,
    scope: Scope,
    context: Context,
    requireSource?: { source: string; path: string[] },
  ): void {
    switch (pattern.type) {
      case T.Identifier:
        scope.declare(pattern.name, placeholder(value, pattern.name));
        return;
      case T.AssignmentPattern:
        this.visit(pattern.right, context);
        this.declarePattern(pattern.left, value, scope, context, requireSource);
        return;
      case T.RestElement:
        this.declarePattern(pattern.argument, unknownValue, scope, context);
        return;
      case T.ArrayPattern:
        for (const element of pattern.elements) if (element) this.declarePattern(element, unknownValue, scope, context);
        return;
      case T.ObjectPattern:
        for (const property of pattern.properties) {
          if (property.type === T.RestElement) {
            this.declarePattern(property.argument, unknownValue, scope, context);
            continue;
          }
          if (property.computed) this.visit(property.key, context);
          const name = keyName(property.key, property.computed);
          if (value.kind === 'env') this.emitEnvRead(context, property, name);
          const target = property.value.type === T.AssignmentPattern ? property.value.left : property.value;
          if (requireSource && name !== undefined && target.type === T.Identifier && requireSource.path.length === 0) {
            this.imports.push({ kind: 'require', local: target.name, source: requireSource.source, imported: name, span: spanOf(property) });
          }
          if (property.value.type === T.AssignmentPattern) this.visit(property.value.right, context);
          this.declarePattern(target, value.kind === 'env' ? unknownValue : memberValue(value, name), scope, context);
        }
        return;
      default:
        return;
    }
  }

  // ---------------------------------------------------------------- expressions

  private functionExpression(node: TSESTree.FunctionExpression | TSESTree.ArrowFunctionExpression, context: Context, use: Use): void {
    const naming: Naming =
      use.nameHint === undefined
        ? namingOf(node, anonymousKey(node))
        : { key: use.nameHint, name: lastSegment(use.nameHint), ...(use.container === undefined ? {} : { container: use.container }) };
    const key = this.defineFunction(node, context, naming);
    if (use.deferred) this.emit(context, node, { kind: 'defer', body: { local: key } });
  }

  private objectExpression(node: TSESTree.ObjectExpression, context: Context, use: Use): void {
    const prefix = use.nameHint;
    for (const property of node.properties) {
      if (property.type === T.SpreadElement) {
        this.visit(property, context);
        continue;
      }
      if (property.computed) this.visit(property.key, context);
      const name = keyName(property.key, property.computed);
      const value = unwrap(property.value);
      if (isFunctionNode(value)) {
        const memberName = name ?? anonymousKey(value);
        const key = this.defineFunction(value, context, {
          key: prefix === undefined ? memberName : `${prefix}.${memberName}`,
          name: memberName,
          ...(prefix === undefined ? {} : { container: prefix }),
          nameNode: property.key,
        });
        if (use.deferred) this.emit(context, value, { kind: 'defer', body: { local: key } });
      } else if (use.deferred) {
        this.argument(property.value, context, true);
      } else {
        this.visit(property.value, context, prefix !== undefined && name !== undefined ? { nameHint: `${prefix}.${name}`, container: prefix } : noUse);
      }
    }
  }

  private call(node: TSESTree.CallExpression | TSESTree.NewExpression, context: Context, use: Use): void {
    const isNew = node.type === T.NewExpression;
    if (!isNew && requireSpecifier(node, context.scope) !== undefined) return;
    const callee = unwrap(node.callee);
    if (!isNew && isFunctionNode(callee)) {
      // An immediately invoked function: its body runs here, its parameters are the arguments.
      this.inlineFunction(callee, context, node.arguments.map((arg) => valueOf(arg, context)));
      for (const arg of node.arguments) this.argument(arg, context);
      return;
    }
    if (callee.type === T.MemberExpression) {
      this.visit(callee.object, context);
      if (callee.computed) this.visit(callee.property, context);
    } else if (callee.type !== T.Identifier) {
      this.visit(callee, context);
    }
    const match = matchCatalog(this.catalog, node, callee, context, context.fn.fact.key);
    if (match) this.emitCatalogEvent(node, callee, match, context, use);
    else this.emitCall(node, callee, context, use);
    const syncEntry = match?.entry.kind === 'sync-callback' ? match.entry : undefined;
    for (const arg of node.arguments) {
      if (syncEntry) this.syncArgument(arg, syncEntry.repeats === true ? this.inLoop(context) : context);
      else this.argument(arg, context);
    }
  }

  private emitCall(node: TSESTree.CallExpression | TSESTree.NewExpression, callee: Node, context: Context, use: Use): void {
    const ref = calleeRefOf(callee, context);
    if (!ref) return;
    const args = this.argFacts(node.arguments, context);
    this.emit(context, node, {
      kind: 'call',
      callee: ref,
      ...(args ? { args } : {}),
      ...(use.assignedTo === undefined ? {} : { assignedTo: use.assignedTo }),
    });
  }

  private emitCatalogEvent(
    node: TSESTree.CallExpression | TSESTree.NewExpression,
    callee: Node,
    { entry, param }: CatalogMatch,
    context: Context,
    use: Use,
  ): void {
    const args = node.arguments;
    const variableNode = entry.variableArg === undefined ? undefined : args[entry.variableArg];
    const variable = variableNode ? staticString(variableNode) : undefined;
    const named = variable === undefined ? {} : { variable };
    switch (entry.kind) {
      case 'env.write':
        this.emit(context, node, { kind: 'env.write', api: entry.id, ...named, ...(param === undefined ? {} : { param }) });
        return;
      case 'env.read':
        this.emit(context, node, { kind: 'env.read', api: entry.id, ...named });
        return;
      case 'exec':
        this.emit(context, node, { kind: 'exec', api: entry.id });
        return;
      case 'runtime':
        // The libuv threadpool, once started, lives as long as the process.
        this.emit(context, node, { kind: 'spawn', api: entry.id, handles: [] });
        return;
      case 'spawn': {
        const bodyNode = entry.bodyArg === undefined ? undefined : args[entry.bodyArg];
        const body = bodyNode ? scriptBody(bodyNode, context) : undefined;
        const handles = use.assignedTo === undefined ? [] : [use.assignedTo];
        this.emit(context, node, { kind: 'spawn', api: entry.id, ...(body ? { body } : {}), handles });
        return;
      }
      case 'join': {
        // Joining APIs return a promise: the thread has stopped only once it is awaited.
        if (!use.awaited) return;
        const handle = callee.type === T.MemberExpression ? receiverName(callee.object) : undefined;
        this.emit(context, node, { kind: 'join', api: entry.id, handles: handle === undefined ? [] : [handle] });
        return;
      }
      default:
        return;
    }
  }

  /**
   * An argument of a call that may keep it for later: functions in it become deferred callbacks.
   * Inside option objects (`nested`), only functions of this file count: an imported name there is
   * more often a constant (`{ env: SHARE_ENV }`) than a handler.
   */
  private argument(arg: Node, context: Context, nested = false): void {
    const expression = unwrap(arg);
    if (isFunctionNode(expression)) {
      this.functionExpression(expression, context, { deferred: true });
      return;
    }
    const target = boundTarget(expression);
    if (target.type === T.Identifier || target.type === T.MemberExpression) {
      const body = this.functionReference(target, context);
      if (body && (!nested || 'local' in body)) {
        this.emit(context, arg, { kind: 'defer', body });
        return;
      }
    }
    this.visit(arg, context, { deferred: true });
  }

  /** A callback of a synchronous API (`forEach`, `new Promise`): its body runs here. */
  private syncArgument(arg: Node, context: Context): void {
    const expression = unwrap(arg);
    if (isFunctionNode(expression)) {
      this.inlineFunction(expression, context, []);
      return;
    }
    const body = expression.type === T.Identifier || expression.type === T.MemberExpression ? this.functionReference(expression, context) : undefined;
    if (body && 'local' in body) {
      this.emit(context, arg, { kind: 'call', callee: calleeRefOf(expression, context) ?? { name: body.local, path: [body.local], local: body.local } });
      return;
    }
    if (body && 'callee' in body) {
      this.emit(context, arg, { kind: 'call', callee: body.callee });
      return;
    }
    this.visit(arg, context);
  }

  /** A name that denotes a function: one of this file, or one imported from another module. */
  private functionReference(node: TSESTree.Identifier | TSESTree.MemberExpression, context: Context): BodyRef | undefined {
    const value = valueOf(node, context);
    if (value.kind === 'function') return { local: value.key };
    if (value.kind === 'module' && (value.path.length > 0 || value.binding === 'default')) {
      const callee = calleeRefOf(node, context);
      if (callee) return { callee };
    }
    return undefined;
  }

  private argFacts(args: readonly TSESTree.CallExpressionArgument[], context: Context): ArgFact[] | undefined {
    let any = false;
    const facts = args.map((arg): ArgFact => {
      if (arg.type === T.SpreadElement) return null;
      const value = valueOf(arg, context);
      if (value.kind === 'env') {
        any = true;
        return { env: true };
      }
      if (value.kind === 'param' && value.owner === context.fn.fact.key) {
        any = true;
        return { param: value.index };
      }
      return null;
    });
    return any ? facts : undefined;
  }

  private assignment(node: TSESTree.AssignmentExpression, context: Context): void {
    const left = unwrap(node.left);
    if (left.type === T.Identifier) {
      const value = this.definitionValue(node.right, left.name, context);
      this.visit(node.right, context, { nameHint: left.name, assignedTo: left.name });
      context.scope.assign(left.name, value);
      return;
    }
    if (left.type !== T.MemberExpression) {
      this.visit(node.right, context);
      this.visit(left, context);
      return;
    }
    if (!isNameChain(left.object)) this.visit(left.object, context);
    if (left.computed) this.visit(left.property, context);
    const target = this.writeTarget(left, context);
    if (target) {
      this.emitEnvWrite(context, node, target, target === 'replace' ? this.envEntries.replaceObject : this.envEntries.assignProperty, left);
      this.visit(node.right, context);
      return;
    }
    const exportTarget = commonJsExport(left, context.scope);
    if (exportTarget === 'module') return this.exportDefault(node.right, context);
    if (exportTarget !== undefined) return this.exportNamedValue(exportTarget, node.right, context);
    this.visit(node.right, context, this.memberNaming(left, context));
  }

  private update(node: TSESTree.UpdateExpression, context: Context): void {
    const argument = unwrap(node.argument);
    const target = argument.type === T.MemberExpression ? this.writeTarget(argument, context) : undefined;
    if (target && argument.type === T.MemberExpression) this.emitEnvWrite(context, node, target, this.envEntries.assignProperty, argument);
    else this.visit(node.argument, context);
  }

  private unary(node: TSESTree.UnaryExpression, context: Context): void {
    const argument = unwrap(node.argument);
    if (node.operator === 'delete' && argument.type === T.MemberExpression) {
      const target = this.writeTarget(argument, context);
      if (target && target !== 'replace') {
        this.emitEnvWrite(context, node, target, this.envEntries.deleteProperty, argument);
        if (argument.computed) this.visit(argument.property, context);
        return;
      }
    }
    this.visit(node.argument, context);
  }

  /** What writing `member` changes: a variable of the environment, a parameter's property, or the whole `process.env`. */
  private writeTarget(member: TSESTree.MemberExpression, context: Context): 'env' | 'replace' | { param: number } | undefined {
    const base = valueOf(member.object, context);
    if (base.kind === 'env') return 'env';
    if (base.kind === 'param' && base.owner === context.fn.fact.key) return { param: base.index };
    if (base.kind === 'process' || base.kind === 'global' || base.kind === 'module') {
      if (memberValue(base, propertyName(member)).kind === 'env') return 'replace';
    }
    return undefined;
  }

  private emitEnvWrite(
    context: Context,
    node: Node,
    target: 'env' | 'replace' | { param: number },
    entry: JavascriptCatalogEntry | undefined,
    member: TSESTree.MemberExpression,
  ): void {
    if (!entry) return;
    const variable = target === 'env' ? propertyName(member) : undefined;
    this.emit(context, node, {
      kind: 'env.write',
      api: entry.id,
      ...(variable === undefined ? {} : { variable }),
      ...(typeof target === 'object' ? { param: target.param } : {}),
    });
  }

  private memberRead(node: TSESTree.MemberExpression, context: Context): void {
    // Only names and `.env` members can be the environment: skip resolving other chains.
    const object = unwrap(node.object);
    const mayBeEnv = object.type === T.Identifier || (object.type === T.MemberExpression && propertyName(object) === 'env');
    if (mayBeEnv && valueOf(object, context).kind === 'env') {
      this.emitEnvRead(context, node, propertyName(node));
    } else {
      this.visit(node.object, context);
    }
    if (node.computed) this.visit(node.property, context);
  }

  private spread(node: TSESTree.SpreadElement, context: Context): void {
    // `{ ...process.env }` copies every variable: a read of the whole environment.
    if (valueOf(node.argument, context).kind === 'env') this.emitEnvRead(context, node, undefined);
    else this.visit(node.argument, context);
  }

  private emitEnvRead(context: Context, node: Node, variable: string | undefined): void {
    const entry = this.envEntries.readProperty;
    if (!entry) return;
    this.emit(context, node, { kind: 'env.read', api: entry.id, ...(variable === undefined ? {} : { variable }) });
  }

  /** Names a function assigned to a member: `Foo.prototype.bar = function` → `Foo.bar`. */
  private memberNaming(member: TSESTree.MemberExpression, context: Context): Use {
    const name = propertyName(member);
    if (name === undefined) return noUse;
    const object = unwrap(member.object);
    if (object.type === T.MemberExpression && propertyName(object) === 'prototype' && object.object.type === T.Identifier) {
      return { nameHint: `${object.object.name}.${name}`, container: object.object.name };
    }
    const base = valueOf(object, context);
    const owner =
      base.kind === 'this' ? base.className
        : base.kind === 'object' || base.kind === 'class' ? base.name
          : base.kind === 'local' ? base.path.join('.')
            : undefined;
    return owner === undefined ? { nameHint: name } : { nameHint: `${owner}.${name}`, container: owner };
  }

  private emit(context: Context, node: Node, payload: EventPayload): void {
    context.fn.fact.events.push({ ...payload, span: spanOf(node), loops: context.loops, branches: context.branches } as Event);
  }
}

function namingOf(node: FunctionNode | TSESTree.FunctionDeclaration, fallback: string): Naming {
  const id = node.type === T.ArrowFunctionExpression ? null : node.id;
  return id ? { key: id.name, name: id.name, nameNode: id } : { key: fallback, name: fallback };
}

function withScope(context: Context): Context {
  return { ...context, scope: new Scope(context.scope, false) };
}

function inArm(context: Context, construct: string, arm: number): Context {
  return { ...context, branches: [...context.branches, `${construct}:${arm}`] };
}

/** A value worth keeping for a name; otherwise a placeholder that shadows globals and names the receiver. */
function placeholder(value: Value, name: string): Value {
  return value.kind === 'unknown' || value.kind === 'local' || value.kind === 'global' ? { kind: 'local', path: [name] } : value;
}
