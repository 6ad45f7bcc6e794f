import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Level, RuleId } from '../analyze/finding.ts';

export interface RuleMetadata {
  id: RuleId;
  /** PascalCase name for SARIF `name`. */
  name: string;
  level: Level;
  shortDescription: string;
  fullDescription: string;
  tags: string[];
  precision: 'very-high' | 'high' | 'medium' | 'low';
  /** GitHub's 0.0–10.0 score, as a string. */
  securitySeverity: string;
}

export interface Rule extends RuleMetadata {
  /** The rule's documentation (Markdown): What it does / Why is this bad / Example / Use instead / Known limitations / References. */
  documentation: string;
}

const rulesDir = fileURLToPath(new URL('../../rules/', import.meta.url));
let cached: Rule[] | undefined;

/** Every rule, from `rules/<id>/rule.json` and `rules/<id>/README.md`, sorted by id. */
export function loadRules(): Rule[] {
  if (!cached) {
    cached = readdirSync(rulesDir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && entry.name !== 'catalog')
      .map((entry) => {
        const metadata = JSON.parse(readFileSync(`${rulesDir}${entry.name}/rule.json`, 'utf8')) as RuleMetadata;
        const documentation = readFileSync(`${rulesDir}${entry.name}/README.md`, 'utf8');
        return { ...metadata, documentation };
      })
      .sort((a, b) => (a.id < b.id ? -1 : 1));
  }
  return cached;
}

export function findRule(id: string): Rule | undefined {
  return loadRules().find((rule) => rule.id === id);
}
