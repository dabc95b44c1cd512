/**
 * Reading pod security policy files: every YAML document is a `PodSecurity` policy (validated
 * against its schema) or a legacy PodSecurityPolicy (translated). Problems are findings; nothing
 * throws, and one bad document does not hide the next.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../core/config.js';
import type { Range } from '../../core/diagnostic.js';
import type { Finding } from '../../core/rule.js';
import { validateAgainstSchema } from '../../core/schema.js';
import type { SourceFile } from '../../core/source.js';
import { parseYaml, rangeAt } from '../../core/yaml.js';
import { asObj, asString } from './checks/pod.js';
import { PodSecurityPolicy, POLICY_KIND } from './policy.js';
import type { PolicyDocument } from './policy.js';
import { LEGACY_API_VERSIONS, translatePsp } from './psp.js';
import { invalidPolicy } from './rules/invalid-policy.js';
import { legacyField } from './rules/legacy-field.js';
import { legacyPolicy } from './rules/legacy-policy.js';
import { LATEST, parseVersion } from './version.js';

let schema: Record<string, unknown> | undefined;

function policySchema(): Record<string, unknown> {
  schema ??= JSON.parse(
    readFileSync(join(packageRoot(), 'schemas', 'pod-security.schema.json'), 'utf8'),
  ) as Record<string, unknown>;
  return schema;
}

export interface LoadedFile {
  policies: PodSecurityPolicy[];
  findings: Finding[];
  /**
   * The `metadata.name` of every document, loaded or not: what a policy the schema refuses is
   * called (`chs test` and the preview name it as not loading, rather than as missing).
   */
  names: string[];
}

/** Whether a YAML text holds a pod security policy of either kind (for sniffing). */
export function looksLikePolicy(text: string): boolean {
  return (
    /^kind:\s*["']?(PodSecurity|PodSecurityPolicy)["']?\s*(#.*)?$/m.test(text) ||
    /"kind"\s*:\s*"(PodSecurity|PodSecurityPolicy)"/.test(text)
  );
}

export function loadPolicyFile(file: SourceFile): LoadedFile {
  const findings: Finding[] = [];
  const policies: PodSecurityPolicy[] = [];
  const names: string[] = [];
  const parsed = parseYaml(file.text);
  if (!parsed.ok) {
    const at = parsed.error.offset;
    findings.push({
      rule: invalidPolicy,
      messageId: 'yaml',
      data: { message: parsed.error.message },
      file: file.path,
      range: { start: at, end: at },
    });
    return { policies, findings, names };
  }
  for (const document of parsed.documents) {
    const root = document.root;
    if (!root) continue;
    const range: Range = { start: root.start, end: root.end };
    for (const duplicate of document.duplicateKeys)
      findings.push({
        rule: invalidPolicy,
        messageId: 'duplicateKey',
        data: { key: String(duplicate.value) },
        file: file.path,
        range: { start: duplicate.start, end: duplicate.end },
      });
    const value = asObj(document.value);
    const kind = asString(value?.kind);
    const name = asString(asObj(value?.metadata)?.name);
    if (name) names.push(name);
    if (kind === 'PodSecurityPolicy' && LEGACY_API_VERSIONS.includes(asString(value?.apiVersion))) {
      const translation = translatePsp(value ?? {});
      for (const note of translation.notes) {
        findings.push({
          rule: legacyField,
          messageId: note.messageId,
          data: { field: note.field, hint: note.hint },
          file: file.path,
          ...withRange(rangeAt(root, note.path, true)),
        });
      }
      findings.push({
        rule: legacyPolicy,
        messageId: 'translated',
        data: { name: asString(asObj(value?.metadata)?.name), level: translation.suggestedLevel },
        file: file.path,
        ...withRange(rangeAt(root, ['kind'])),
      });
      policies.push(new PodSecurityPolicy(translation.document, LATEST, file.path, root, range));
      continue;
    }
    if (kind !== POLICY_KIND) {
      findings.push({
        rule: invalidPolicy,
        messageId: 'notPolicy',
        data: { kind: kind || 'document without kind' },
        file: file.path,
        ...withRange(rangeAt(root, ['kind'])),
      });
      continue;
    }
    const problems = validateAgainstSchema(policySchema(), value, root);
    for (const problem of problems)
      findings.push({
        rule: invalidPolicy,
        messageId: 'schema',
        data: { message: problem.message },
        file: file.path,
        ...withRange(problem.range),
      });
    if (problems.length > 0) continue;
    const doc = value as unknown as PolicyDocument;
    if (doc.spec.level === undefined && doc.spec.controls === undefined) {
      findings.push({
        rule: invalidPolicy,
        messageId: 'nothing',
        file: file.path,
        ...withRange(rangeAt(root, ['spec'], true)),
      });
      continue;
    }
    const version = parseVersion(doc.spec.version ?? 'latest') ?? LATEST;
    policies.push(new PodSecurityPolicy(doc, version, file.path, root, range));
  }
  return { policies, findings, names };
}

function withRange(range: Range | undefined): { range?: Range } {
  return range ? { range } : {};
}
