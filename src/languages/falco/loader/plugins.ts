/** Event sources provided by each plugin a rules file can require, with the plugin's name. */
export const PLUGIN_SOURCES: readonly { plugin: RegExp; name: string; source: string }[] = [
  { plugin: /^k8saudit(?:-.*)?$/, name: 'k8saudit', source: 'k8s_audit' },
  { plugin: /^cloudtrail$/, name: 'cloudtrail', source: 'aws_cloudtrail' },
  { plugin: /^okta$/, name: 'okta', source: 'okta' },
  { plugin: /^github$/, name: 'github', source: 'github' },
  { plugin: /^gcpaudit$/, name: 'gcpaudit', source: 'gcp_auditlog' },
];

/** The plugin that provides an event source, if one of those above does. */
export function pluginOf(source: string): string | undefined {
  return PLUGIN_SOURCES.find((p) => p.source === source)?.name;
}
