import { defineRule } from '../../../core/rule.js';

export const unknownSource = defineRule({
  meta: {
    id: 'falco/unknown-source',
    severity: 'warning',
    type: 'problem',
    description: 'A rule for an event source that Falco would not have loaded.',
    remediation:
      'Require the plugin that provides the source (`required_plugin_versions`), or correct the `source:`.',
    docs: {
      rationale:
        'Falco skips rules whose source no loaded plugin provides. Plugin sources (k8s_audit, aws_cloudtrail, okta, github, gcp_auditlog) are known when a loaded rules file lists the plugin under `required_plugin_versions`.',
      bad: [
        {
          path: 'policies/falco/rules.yaml',
          text: `- rule: Exec into pod
  desc: someone execs into a pod
  condition: ka.verb = create and ka.target.subresource = exec
  output: "pod exec (user=%ka.user.name pod=%ka.target.name)"
  priority: NOTICE
  source: k8s_audit
`,
        },
      ],
      good: [
        {
          path: 'policies/falco/rules.yaml',
          text: `- required_plugin_versions:
    - name: k8saudit
      version: 0.7.0
- rule: Exec into pod
  desc: someone execs into a pod
  condition: ka.verb = create and ka.target.subresource = exec
  output: "pod exec (user=%ka.user.name pod=%ka.target.name)"
  priority: NOTICE
  source: k8s_audit
`,
        },
      ],
    },
    falcoCode: 'LOAD_UNKNOWN_SOURCE',
  },
  messages: {
    unknown: 'Unknown source {{source}}, skipping',
  },
});
