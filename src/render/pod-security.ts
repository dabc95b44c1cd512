/**
 * Pod security policies as ValidatingAdmissionPolicy objects with their bindings (Warn and Audit
 * in monitor mode, Deny in block mode) and as Pod Security Admission namespace labels, through
 * `renderPodSecurity`. Namespaces that carry labels are usually not ours: their objects hold only
 * the labels, so that server-side apply with our field manager owns those labels and nothing else
 * of the namespace (a later apply without a label removes exactly that label).
 */
import { findingMessage } from '../core/rule.js';
import { SourceFile } from '../core/source.js';
import type { KubeObject } from '../kube/objects.js';
import { loadPolicyFile } from '../languages/pod-security/index.js';
import type { PodSecurityPolicy } from '../languages/pod-security/index.js';
import { renderPodSecurity } from '../languages/pod-security/index.js';
import { finalize } from './objects.js';
import { emptyContribution } from './types.js';
import type { RenderContribution, RenderInput, Renderer } from './types.js';

export const podSecurityRenderer: Renderer = {
  kind: 'pod-security',
  render(input: RenderInput): RenderContribution {
    const out = emptyContribution();
    if (input.files.length === 0) return out;
    const policies: PodSecurityPolicy[] = [];
    const names = new Map<string, string>();
    for (const file of input.files) {
      const source = new SourceFile(file.display, file.text);
      const loaded = loadPolicyFile(source);
      const errors = loaded.findings.filter((f) => (f.severity ?? f.rule.meta.severity) === 'error');
      for (const error of errors) {
        out.problems.push({
          file: file.display,
          ...(error.range ? { line: source.position(error.range.start).line } : {}),
          message: `${findingMessage(error)}; run chs lint`,
        });
      }
      if (errors.length > 0) continue;
      for (const policy of loaded.policies) {
        const clash = names.get(policy.name);
        if (clash !== undefined) {
          out.problems.push({
            file: file.display,
            message: `defines pod security policy "${policy.name}" again (first in ${clash}); rename one of them`,
          });
          continue;
        }
        names.set(policy.name, file.display);
        policies.push(policy);
      }
    }
    if (out.problems.length > 0) return out;
    const rendered = renderPodSecurity(policies, {
      mode: input.mode,
      ownNamespace: input.settings.namespace,
      ...(input.target.namespaces && input.target.namespaces.length > 0
        ? { namespaces: input.target.namespaces }
        : {}),
    });
    for (const object of rendered) {
      const plain = object as unknown as KubeObject;
      if (object.kind === 'Namespace') out.namespaceLabels.push(plain);
      else out.objects.push(finalize(plain, input.target.name, 'pod-security'));
    }
    return out;
  },
};
