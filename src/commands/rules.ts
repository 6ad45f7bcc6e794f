import type { Command } from 'commander';
import { loadCatalog } from '../catalog/load.ts';
import { LANGUAGES } from '../facts/types.ts';
import { findRule, loadRules } from '../rules/registry.ts';


function rulesAsText(withCatalog: boolean): string {
  const lines = ['Rules:'];
  for (const rule of loadRules()) lines.push(`  ${rule.id.padEnd(34)} ${rule.level.padEnd(8)} ${rule.shortDescription}`);
  if (withCatalog) {
    for (const language of LANGUAGES) {
      const catalog = loadCatalog(language);
      lines.push('', `Catalog: ${language} (${catalog.entries.length} entries, rules/catalog/${language}.json)`);
      for (const entry of catalog.entries) lines.push(`  ${entry.id.padEnd(44)} ${entry.kind.padEnd(13)} ${entry.names.join(', ')}`);
    }
  }
  lines.push('', 'Run `envrace explain <rule-id>` for a rule\'s documentation.');
  return `${lines.join('\n')}\n`;
}

export function registerRulesCommands(program: Command, setResult: (code: number) => void): void {
  program
    .command('rules')
    .summary('list the rules and the API catalog (what counts as a write, a spawn, a join, a reader)')
    .option('--no-catalog', 'list only the rules')
    .option('--json', 'print as JSON')
    .action((options: { catalog: boolean; json?: boolean }) => {
      if (options.json) {
        const rules = loadRules().map(({ documentation: _documentation, ...metadata }) => metadata);
        const catalogs = options.catalog ? Object.fromEntries(LANGUAGES.map((language) => [language, loadCatalog(language).entries])) : undefined;
        process.stdout.write(`${JSON.stringify({ rules, catalogs }, null, 2)}\n`);
      } else {
        process.stdout.write(rulesAsText(options.catalog));
      }
      setResult(0);
    });

  program
    .command('explain')
    .summary("show a rule's documentation: what it reports, why it matters, what to do instead")
    .argument('<rule-id>', 'a rule id, e.g. env-mutation-after-thread-spawn')
    .action((ruleId: string) => {
      const rule = findRule(ruleId);
      if (!rule) {
        process.stderr.write(`envrace: unknown rule '${ruleId}'; known rules: ${loadRules().map((r) => r.id).join(', ')}\n`);
        setResult(2);
        return;
      }
      process.stdout.write(rule.documentation.endsWith('\n') ? rule.documentation : `${rule.documentation}\n`);
      setResult(0);
    });
}
