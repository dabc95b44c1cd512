/** SARIF 2.1.0, with the rules' metadata so that viewers can show their documentation. */
import type { AnyRule } from '../core/rule.js';
import { ruleDocsUrl } from '../core/rule-docs.js';
import type { LintReport } from './positions.js';

const LEVEL = { error: 'error', warning: 'warning', info: 'note' } as const;

export function sarif(report: LintReport, rules: readonly AnyRule[], version: string): string {
  const used = [...new Set(report.diagnostics.map((d) => d.ruleId))].sort();
  const byId = new Map(rules.map((r) => [r.meta.id, r]));
  const ruleIndex = new Map(used.map((id, i) => [id, i]));
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'container-host-security',
            semanticVersion: version,
            informationUri: 'https://gitlab.com/container-host-security/container-host-security',
            rules: used.map((id) => {
              const rule = byId.get(id);
              return {
                id,
                shortDescription: { text: rule?.meta.description ?? id },
                fullDescription: { text: rule ? `${rule.meta.description} ${rule.meta.remediation}` : id },
                helpUri: ruleDocsUrl(id),
                defaultConfiguration: { level: LEVEL[rule?.meta.severity ?? 'warning'] },
                ...(rule?.meta.falcoCode ? { properties: { falcoCode: rule.meta.falcoCode } } : {}),
              };
            }),
          },
        },
        results: report.diagnostics.map((d) => ({
          ruleId: d.ruleId,
          ruleIndex: ruleIndex.get(d.ruleId),
          level: LEVEL[d.severity],
          message: { text: d.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: d.file.split('/').map(encodeURIComponent).join('/') },
                region: {
                  startLine: d.line,
                  startColumn: d.column,
                  endLine: d.endLine,
                  endColumn: d.endColumn,
                },
              },
            },
          ],
          ...(d.falcoCode ? { properties: { falcoCode: d.falcoCode } } : {}),
        })),
        columnKind: 'utf16CodeUnits',
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
}
