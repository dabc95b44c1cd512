import { defineRule } from '../../../core/rule.js';
import type { SeccompRule } from './context.js';

export const invalidJson = defineRule({
  id: 'seccomp/invalid-json',
  type: 'problem',
  description: 'A seccomp profile that is not valid JSON.',
  docs: "runc, containerd and Docker read profiles with Go's JSON decoder: comments, trailing commas, single quotes and YAML are refused, and the container does not start. Fix the syntax at the position shown.",
  defaultSeverity: 'error',
  messages: { syntax: '{{message}}' },
});

export const invalidJsonRule: SeccompRule = { definition: invalidJson };
