import type { Level, RuleId } from '../analyze/finding.ts';
import type { CatalogEntry } from '../catalog/types.ts';
import type { Language } from '../facts/types.ts';

export type RuleSetting = Level | 'off';

/** The shape of envrace.config.json, as `config.schema.json` documents and validates it. */
export interface ConfigFile {
  $schema?: string;
  include?: string[];
  exclude?: string[];
  rules?: Partial<Record<RuleId, RuleSetting>>;
  catalog?: Partial<Record<Language, Array<Omit<CatalogEntry, 'description' | 'source'> & { description?: string; source?: string }>>>;
  audit?: AuditSettings;
  failOn?: Level | 'none';
  format?: 'text' | 'json' | 'sarif';
  maxFileSize?: number | string;
  baseline?: string;
}

export interface AuditSettings {
  includeDev?: boolean;
  allDeps?: boolean;
  python?: string;
  ecosystems?: Array<'cargo' | 'pip' | 'npm'>;
}

/** A loaded configuration: paths resolved against the file's folder, catalog entries completed. */
export interface ProjectConfig {
  /** Absolute path of the file. */
  file: string;
  /** Its folder: what include/exclude globs and relative paths are relative to. */
  dir: string;
  include: string[];
  exclude: string[];
  rules: Partial<Record<RuleId, RuleSetting>>;
  extraCatalog: Partial<Record<Language, CatalogEntry[]>>;
  audit: AuditSettings;
  failOn?: Level | 'none';
  format?: 'text' | 'json' | 'sarif';
  maxFileSize?: number | string;
  /** Absolute path. */
  baseline?: string;
}
