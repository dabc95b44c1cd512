import { RULES_FILE } from './examples.js';
import { defineRule } from '../../../core/rule.js';

export const invalidItem = defineRule({
  meta: {
    id: 'falco/invalid-item',
    severity: 'error',
    type: 'problem',
    description: 'A rules file item with a missing key, an empty value or a value of the wrong type.',
    remediation:
      'Add the missing key or give the value the type Falco expects (the message names both); a rule needs `rule`, `desc`, `condition`, `output` and `priority`.',
    docs: {
      rationale:
        "Falco checks the structure of every item: a list needs `items`, a macro `condition`, a rule `condition`, `output`, `desc` and `priority`; values must be scalars or sequences where expected; `override` entries must name keys that can be appended or replaced. The message is Falco's own.",
      bad: [
        {
          path: RULES_FILE,
          text: `- rule: Shell in container
  desc: a shell started in a container
  condition: evt.type = execve and proc.name = bash
  output: "shell in a container (command=%proc.cmdline)"
`,
        },
      ],
      good: [
        {
          path: RULES_FILE,
          text: `- rule: Shell in container
  desc: a shell started in a container
  condition: evt.type = execve and proc.name = bash
  output: "shell in a container (command=%proc.cmdline)"
  priority: WARNING
`,
        },
      ],
    },
    falcoCode: 'LOAD_ERR_YAML_VALIDATE',
  },
  messages: {
    noKey: "Item has no mapping for key '{{key}}'",
    emptyKey: "Mapping for key '{{key}}' is empty",
    notScalar: 'Value is not a scalar value',
    empty: 'Value must be non-empty',
    undecodable: "Can't decode YAML scalar value",
    notSequence: 'Value is not a sequence',
    sequenceValueNotScalar: 'sequence value is not scalar',
    notYaml: 'Rules content is not yaml',
    notArray: 'Rules content is not yaml array of objects',
    elementNotMapping: 'Unexpected element type. Each element should be a yaml associative array.',
    badEngineVersion: `Unable to parse engine version '{{version}}' as a semver string. Expected "x.y.z" semver format.`,
    pluginsNotSequence: 'Value of required_plugin_versions must be a sequence',
    pluginNotMapping: 'Plugin version must be a mapping',
    alternativesNotSequence: 'Value of plugin version alternatives must be a sequence',
    alternativeNotMapping: 'Plugin version alternative must be a mapping',
    notMapping: 'Value is not a mapping',
    cannotAppend: "Key '{{key}}' cannot be appended to, use 'replace' instead",
    cannotReplace: "Key '{{key}}' cannot be replaced",
    invalidOverride:
      "Invalid override operation for key '{{key}}': '{{op}}'. Allowed values are: {{allowed}}",
    overrideWithAppend:
      "Keys 'override' and 'append: true' cannot be used together. Add an 'append' entry (e.g. 'condition: append') under 'override' instead.",
    notScalarOrSequence: 'Value is not a scalar or a sequence',
    exceptionsNotSequence: 'Rule exceptions must be a sequence',
    exceptionNotMapping: 'Rule exception must be a mapping',
    exceptionValuesNotSequence: 'Rule exception values must be a sequence',
    overrideUndefined: "An {{operation}} override for '{{key}}' was specified but '{{key}}' is not defined",
    keyWithoutOverride: "Unexpected key '{{key}}': no corresponding entry under 'override' is defined.",
    invalidPriority: 'Invalid priority',
  },
});
