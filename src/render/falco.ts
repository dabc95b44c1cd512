/**
 * Falco rules as custom rules of the falcosecurity/falco Helm chart: `values.yaml` with
 * `customRules` for Helm users, and a ConfigMap for the direct path with the values that mount it.
 * Falco loads a rules directory in name order, so each file's key starts with its load position.
 */
import { configMapKey } from './labels.js';
import { MAX_CONFIGMAP_BYTES, configMap, dataBytes, finalize } from './objects.js';
import { emptyContribution } from './types.js';
import type { RenderContribution, RenderInput, Renderer } from './types.js';
import { toYaml } from './yaml.js';

const FALCO_CONFIGMAP = 'chs-falco-rules';
const FALCO_RULES_DIR = '/etc/falco/container-host-security';

export const falcoRenderer: Renderer = {
  kind: 'falco',
  render(input: RenderInput): RenderContribution {
    const out = emptyContribution();
    if (input.files.length === 0) return out;
    const width = String(input.files.length - 1).length < 2 ? 2 : String(input.files.length - 1).length;
    const rules: Record<string, string> = {};
    input.files.forEach((file, index) => {
      const base = file.path.split('/').pop() ?? file.path;
      const key = `${String(index).padStart(width, '0')}-${configMapKey(base)}`;
      rules[key] = file.text.endsWith('\n') ? file.text : `${file.text}\n`;
    });
    if (dataBytes(rules) > MAX_CONFIGMAP_BYTES) {
      out.problems.push({
        file: input.files[0]?.display ?? 'falco',
        message: `the Falco rules files total ${dataBytes(rules)} bytes, over what one ConfigMap holds (1 MiB)`,
      });
      return out;
    }
    const header = `# Helm values for the falcosecurity/falco chart, target ${input.target.name}.\n# Rendered by container-host-security from ${input.files.length} rules file(s); do not edit.\n`;
    out.files.push({ path: 'falco/values.yaml', content: header + toYaml({ customRules: rules }) });
    out.files.push({
      path: 'falco/values-configmap.yaml',
      content:
        `# Helm values for the falcosecurity/falco chart that load the rules from the ConfigMap\n# ${FALCO_CONFIGMAP} that \`chs deploy --via apply\` keeps up to date (target ${input.target.name}).\n` +
        toYaml({
          mounts: {
            volumes: [{ name: FALCO_CONFIGMAP, configMap: { name: FALCO_CONFIGMAP, optional: true } }],
            volumeMounts: [{ name: FALCO_CONFIGMAP, mountPath: FALCO_RULES_DIR, readOnly: true }],
          },
          falco: {
            rules_files: [
              '/etc/falco/falco_rules.yaml',
              '/etc/falco/falco_rules.local.yaml',
              '/etc/falco/rules.d',
              FALCO_RULES_DIR,
            ],
          },
        }),
    });
    out.objects.push(
      finalize(
        configMap(FALCO_CONFIGMAP, input.settings.falcoNamespace, rules),
        input.target.name,
        'falco-rules',
      ),
    );
    return out;
  },
};
