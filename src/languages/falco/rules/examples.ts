/** The rules files that the rule pages show as examples (each rule's `meta.docs`), built once here. */

export const RULES_FILE = 'policies/falco/rules.yaml';

/** A syscall rule; by default the shell-in-a-container rule most examples start from. */
export function falcoRule(
  condition: string,
  options: { name?: string; output?: string; extra?: string } = {},
): string {
  const {
    name = 'Shell in container',
    output = '"shell in a container (command=%proc.cmdline user=%user.name)"',
    extra = '',
  } = options;
  return `- rule: ${name}\n  desc: a shell started in a container\n  condition: ${condition}\n  output: ${output}\n  priority: WARNING\n${extra}`;
}

export const SHELL_RULE = falcoRule('evt.type = execve and proc.name = bash');

/** A k8s_audit rule, with the plugin requirement that makes its source known when asked. */
export function k8sRule(
  condition: string,
  options: { output?: string; requirePlugin?: boolean } = {},
): string {
  const { output = '"pod exec (user=%ka.user.name pod=%ka.target.name)"', requirePlugin = false } = options;
  const requirement = requirePlugin
    ? '- required_plugin_versions:\n    - name: k8saudit\n      version: 0.7.0\n'
    : '';
  return `${requirement}- rule: Exec into pod\n  desc: someone execs into a pod\n  condition: ${condition}\n  output: ${output}\n  priority: NOTICE\n  source: k8s_audit\n`;
}
