import { defineRule } from '../../../core/rule.js';

export const unknownSource = defineRule({
  meta: {
    id: 'falco/unknown-source',
    severity: 'warning',
    type: 'problem',
    description: 'A rule for an event source that Falco would not have loaded.',
    remediation: 'TODO-REMEDIATION',
    docs: {
      rationale:
        'Falco skips rules whose source no loaded plugin provides. Plugin sources (k8s_audit, aws_cloudtrail, okta, github, gcp_auditlog) are known when a loaded rules file lists the plugin under `required_plugin_versions`.',
      bad: [{ path: 'TODO', text: 'TODO' }],
      good: [{ path: 'TODO', text: 'TODO' }],
    },
    falcoCode: 'LOAD_UNKNOWN_SOURCE',
  },
  messages: {
    unknown: 'Unknown source {{source}}, skipping',
  },
});
