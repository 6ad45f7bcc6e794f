import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { CatalogEntry } from '../catalog/types.ts';
import type { Language } from '../facts/types.ts';
import { locateJsonError } from './jsonError.ts';
import type { ConfigFile, ProjectConfig } from './types.ts';

export const CONFIG_FILE_NAME = 'envrace.config.json';

const schemaPath = fileURLToPath(new URL('../../config.schema.json', import.meta.url));
const require = createRequire(import.meta.url);

/** A configuration file that cannot be used: the message is one line naming the file, where and what. */
export class ConfigError extends Error {}

/**
 * The first envrace.config.json in `start`'s folder (or `start` itself when it is a folder) and its
 * parents up to the filesystem root.
 */
export function findConfigFile(start: string): string | undefined {
  let dir = path.resolve(start);
  try {
    if (!statSync(dir).isDirectory()) dir = path.dirname(dir);
  } catch {
    dir = path.dirname(dir);
  }
  for (;;) {
    const candidate = path.join(dir, CONFIG_FILE_NAME);
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

let validator: ValidateFunction | undefined;

function validate(data: unknown): ErrorObject[] {
  if (!validator) {
    // ajv is CommonJS; its default export is not callable through NodeNext typings.
    const Ajv = require('ajv') as typeof import('ajv').default;
    const ajv = new Ajv({ allErrors: true, strict: false });
    validator = ajv.compile(JSON.parse(readFileSync(schemaPath, 'utf8')) as object);
  }
  return validator(data) ? [] : [...(validator.errors ?? [])];
}

/** 1-based line and column of a character offset. */
function lineColumn(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return `line ${line}, column ${column}`;
}

function describeSyntaxError(text: string): string {
  const { offset, problem } = locateJsonError(text);
  return `invalid JSON at ${lineColumn(text, offset)}: ${problem}`;
}

const schemaRoot = (): Record<string, unknown> => JSON.parse(readFileSync(schemaPath, 'utf8')) as Record<string, unknown>;

/** The allowed property names at a JSON pointer of the schema, for "unknown property" messages. */
function allowedProperties(instancePath: string): string[] {
  const schema = schemaRoot();
  const definitions = schema.definitions as Record<string, Record<string, unknown>>;
  let node: Record<string, unknown> | undefined = schema;
  for (const segment of instancePath.split('/').slice(1)) {
    if (!node) return [];
    const properties = node.properties as Record<string, Record<string, unknown>> | undefined;
    const next: Record<string, unknown> | undefined = properties?.[segment] ?? (/^\d+$/.test(segment) ? (node.items as Record<string, unknown> | undefined) : undefined);
    node = next;
    while (node && typeof node.$ref === 'string') node = definitions[node.$ref.replace('#/definitions/', '')];
  }
  return Object.keys((node?.properties as object | undefined) ?? {});
}

const quoteList = (values: readonly unknown[]): string => values.map((value) => JSON.stringify(value)).join(', ');

/** One readable sentence for the most specific schema error. */
function describeSchemaError(errors: ErrorObject[]): string {
  // The deepest error; at that place, a oneOf summary over the branches' own complaints.
  const depth = (error: ErrorObject): number => error.instancePath.split('/').length;
  const deepest = Math.max(...errors.map(depth));
  const here = errors.filter((error) => depth(error) === deepest);
  const error = here.find((candidate) => candidate.keyword === 'oneOf' || candidate.keyword === 'anyOf') ?? here[0]!;
  const pointer = error.instancePath === '' ? '/' : error.instancePath;
  switch (error.keyword) {
    case 'additionalProperties': {
      const property = (error.params as { additionalProperty: string }).additionalProperty;
      const allowed = allowedProperties(error.instancePath);
      return `${error.instancePath}/${property}: unknown property "${property}"${allowed.length > 0 ? `; expected one of ${quoteList(allowed)}` : ''}`;
    }
    case 'enum':
      return `${pointer}: must be one of ${quoteList((error.params as { allowedValues: unknown[] }).allowedValues)}`;
    case 'required':
      return `${pointer}: missing required property "${(error.params as { missingProperty: string }).missingProperty}"`;
    case 'type': {
      const type = (error.params as { type: string }).type;
      return `${pointer}: must be ${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type}`;
    }
    case 'oneOf':
    case 'anyOf':
      if (error.instancePath === '/maxFileSize') return `${pointer}: must be a byte count or a size such as "4MiB"`;
      return `${pointer}: ${error.message ?? 'does not match the schema'}`;
    case 'pattern':
      if (/\/names\/\d+$/.test(error.instancePath)) return `${pointer}: must be a plain function name such as "set_env_locked"`;
      return `${pointer}: must match ${(error.params as { pattern: string }).pattern}`;
    default:
      return `${pointer}: ${error.message ?? 'does not match the schema'}`;
  }
}

const DEFAULT_DESCRIPTIONS: Record<CatalogEntry['kind'], string> = {
  'env.write': 'Project wrapper that changes the environment.',
  'env.read': 'Project wrapper that reads the environment.',
  exec: 'Project wrapper that starts a program.',
  spawn: 'Project wrapper that starts a thread.',
  join: 'Project wrapper that waits for threads started earlier.',
  runtime: 'Project wrapper that starts worker threads.',
  interposable: 'Project symbol.',
  'sync-callback': 'Project wrapper that calls its callback synchronously.',
  safe: 'Project wrapper that is a safe alternative.',
};

/** How messages name a file: relative to the working directory when below it. */
export function displayPath(absolute: string): string {
  const relative = path.relative(process.cwd(), absolute);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : absolute;
}

/** Reads, parses and validates a configuration file. Throws `ConfigError` with a one-line message. */
export function loadConfigFile(configFile: string): ProjectConfig {
  const absolute = path.resolve(configFile);
  const file = displayPath(absolute);
  let text: string;
  try {
    text = readFileSync(absolute, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(`${file}: cannot read the configuration file (${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (code ?? String(error))})`);
  }
  let data: unknown;
  try {
    text = text.replace(/^\uFEFF/, '');
    data = JSON.parse(text);
  } catch {
    throw new ConfigError(`${file}: ${describeSyntaxError(text)}`);
  }
  const errors = validate(data);
  if (errors.length > 0) throw new ConfigError(`${file}: ${describeSchemaError(errors)}`);
  const raw = data as ConfigFile;
  const dir = path.dirname(absolute);

  const extraCatalog: Partial<Record<Language, CatalogEntry[]>> = {};
  const ids = new Set<string>();
  for (const [language, entries] of Object.entries(raw.catalog ?? {}) as Array<[Language, NonNullable<ConfigFile['catalog']>[Language]]>) {
    extraCatalog[language] = (entries ?? []).map((entry, index) => {
      if (ids.has(`${language}:${entry.id}`)) throw new ConfigError(`${file}: /catalog/${language}/${index}/id: duplicate catalog id "${entry.id}"`);
      ids.add(`${language}:${entry.id}`);
      return { ...entry, description: entry.description ?? DEFAULT_DESCRIPTIONS[entry.kind], source: entry.source ?? absolute };
    });
  }
  const python = raw.audit?.python;
  return {
    file: absolute,
    dir,
    include: raw.include ?? [],
    exclude: raw.exclude ?? [],
    rules: raw.rules ?? {},
    extraCatalog,
    audit: {
      ...raw.audit,
      ...(python !== undefined ? { python: python.includes('/') || python.includes(path.sep) ? path.resolve(dir, python) : python } : {}),
    },
    failOn: raw.failOn,
    format: raw.format,
    maxFileSize: raw.maxFileSize,
    baseline: raw.baseline === undefined ? undefined : path.resolve(dir, raw.baseline),
  };
}

/**
 * The configuration that applies to a run: `--config FILE` when given, none with `--no-config`,
 * else the first envrace.config.json found walking up from `start`.
 */
export function resolveConfig(start: string, option: string | boolean | undefined): ProjectConfig | undefined {
  if (option === false) return undefined;
  if (typeof option === 'string') return loadConfigFile(option);
  const found = findConfigFile(start);
  return found ? loadConfigFile(found) : undefined;
}
