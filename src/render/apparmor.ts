/**
 * AppArmor profiles in a ConfigMap that the profile loader DaemonSet loads on every node
 * (`apparmor_parser -r`, with `-C` in monitor mode so that profiles complain instead of deny).
 * Files that define no profile (abstractions, tunables) are left out with a note: the nodes
 * resolve includes against their own /etc/apparmor.d.
 */
import { configMapKey, contentHash } from './labels.js';
import { MAX_CONFIGMAP_BYTES, configMap, dataBytes, finalize } from './objects.js';
import { commonDirectory, relativeTo } from './paths.js';
import { emptyContribution } from './types.js';
import type { RenderContribution, RenderInput, Renderer } from './types.js';

const APPARMOR_CONFIGMAP = 'chs-apparmor-profiles';

/** A profile block opens: `profile name ... {`, `/path/to/exe ... {`, or a quoted name. */
const PROFILE_START = /^[ \t]*(?:profile[ \t]+\S+|\/\S*|"[^"\n]+"|:[^\s:]+:\S+)[^\n{]*\{/m;

function stripComments(text: string): string {
  return text
    .split('\n')
    .map((line) => (/^\s*#\s*include\b/.test(line) ? line : line.replace(/(^|\s)#.*$/, '$1')))
    .join('\n');
}

export function definesProfile(text: string): boolean {
  return PROFILE_START.test(stripComments(text));
}

export const apparmorRenderer: Renderer = {
  kind: 'apparmor',
  render(input: RenderInput): RenderContribution {
    const out = emptyContribution();
    const profiles = input.files.filter((f) => definesProfile(f.text));
    for (const skipped of input.files.filter((f) => !profiles.includes(f))) {
      out.notes.push(
        `${skipped.display}: defines no AppArmor profile (an include file?); not loaded onto the nodes`,
      );
    }
    if (profiles.length === 0) return out;
    const base = commonDirectory(profiles.map((f) => f.path));
    const data: Record<string, string> = {};
    const origin = new Map<string, string>();
    for (const file of profiles) {
      const key = configMapKey(relativeTo(base, file.path));
      const clash = origin.get(key);
      if (clash !== undefined) {
        out.problems.push({
          file: file.display,
          message: `has the same ConfigMap key "${key}" as ${clash}; rename one of them`,
        });
        continue;
      }
      origin.set(key, file.display);
      data[key] = file.text.endsWith('\n') ? file.text : `${file.text}\n`;
    }
    if (dataBytes(data) > MAX_CONFIGMAP_BYTES) {
      out.problems.push({
        file: profiles[0]?.display ?? 'apparmor',
        message: `the AppArmor profiles total ${dataBytes(data)} bytes, over what one ConfigMap holds (1 MiB)`,
      });
      return out;
    }
    out.objects.push(
      finalize(
        configMap(APPARMOR_CONFIGMAP, input.settings.namespace, data),
        input.target.name,
        'apparmor-profiles',
      ),
    );
    out.loader = {
      apparmor: { configMap: APPARMOR_CONFIGMAP, hash: contentHash({ data, mode: input.mode }) },
    };
    return out;
  },
};
