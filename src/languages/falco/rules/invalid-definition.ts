import { RULES_FILE, falcoRule } from './examples.js';
import { defineRule } from '../../../core/rule.js';

export const invalidDefinition = defineRule({
  meta: {
    id: 'falco/invalid-definition',
    severity: 'error',
    type: 'problem',
    description:
      "A list, macro, rule or exception that Falco's loader refuses: an append or override with nothing to apply to, a rule redefined with another source, exception fields, comps and values that do not match.",
    remediation:
      'Define the list, macro or rule before appending to, replacing or enabling it (earlier in the file, in an earlier file, or in `falco.baseline`), and correct the exception the message names.',
    docs: {
      rationale:
        "These are Falco's LOAD_ERR_VALIDATE results. Appends and overrides need an earlier definition (in an earlier file, or a baseline file named in chs.yaml); exceptions need `fields`, `comps` of the same length and values of the same shape.",
      bad: [
        {
          path: RULES_FILE,
          text:
            `- list: shell_binaries
  items: [zsh]
  override:
    items: append
` + falcoRule('evt.type = execve and proc.name in (shell_binaries)'),
        },
      ],
      good: [
        {
          path: RULES_FILE,
          text:
            `- list: shell_binaries
  items: [bash, sh]
- list: shell_binaries
  items: [zsh]
  override:
    items: append
` + falcoRule('evt.type = execve and proc.name in (shell_binaries)'),
        },
      ],
    },
    falcoCode: 'LOAD_ERR_VALIDATE',
  },
  messages: {
    pluginVersion: "Invalid required version '{{version}}' for plugin '{{plugin}}'",
    pluginAlternatives: "Defined multiple alternative version requirements for plugin '{{plugin}}'",
    listAppendUndefined:
      "List uses 'append' or 'override.items: append' but no list by that name already exists",
    macroAppendUndefined:
      "Macro uses 'append' or 'override.condition: append' but no macro by that name already exists",
    otherSource: 'Rule has been re-defined with a different source',
    exceptionNoFields: 'Rule exception item must have fields property with a list of fields',
    fieldsCompsLength: 'Fields and comps lists must have equal length',
    unsupportedOperator: "'{{operator}}' is not a supported comparison operator",
    unsupportedField: "'{{field}}' is not a supported filter field",
    fieldsCompsStrings: 'Fields and comps must both be strings',
    singleFieldComp: 'When fields is a single value, comps must be one of (in, pmatch, intersects)',
    ruleAppendUndefined:
      "Rule uses 'append' or 'override.<key>: append' but no rule by that name already exists",
    appendNothing: 'Appended rule must have exceptions or condition property',
    appendExceptionNoFields: 'Rule exception must have fields property with a list of fields',
    appendExceptionNoValues: 'Rule exception must have values property with a list of values',
    appendExceptionFields: 'Can not append exception fields to existing exception, only values',
    appendExceptionComps: 'Can not append exception comps to existing exception, only values',
    replaceUndefined:
      "An 'override.<key>: replace' to a rule was requested but no rule by that name already exists",
    enabledUndefined: "Rule has 'enabled' key but no rule by that name already exists",
    valuesNotLists: 'Expected values array to contain a list of strings',
    fieldsValuesLength: 'Fields and values lists must have equal length',
  },
});
