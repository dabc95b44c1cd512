import { RULES_FILE, k8sRule } from './examples.js';
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
      bad: [{ path: RULES_FILE, text: k8sRule('ka.verb = create and ka.target.subresource = exec') }],
      good: [
        {
          path: RULES_FILE,
          text: k8sRule('ka.verb = create and ka.target.subresource = exec', { requirePlugin: true }),
        },
      ],
    },
    falcoCode: 'LOAD_UNKNOWN_SOURCE',
  },
  messages: {
    unknown: 'Unknown source {{source}}, skipping',
    pluginSource:
      'Unknown source {{source}}, skipping: Falco loads {{source}} rules only when a loaded rules file requires the {{plugin}} plugin (required_plugin_versions, as the official {{source}} rules file does) and falco.yaml loads it; add the requirement, or load that official file under falco.baseline.',
  },
});
