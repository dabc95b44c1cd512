/**
 * The one list of policy languages. Its order is the order files are found, linted, reported and
 * rendered in, and the order content sniffing asks the languages; `--kind`'s choices, the
 * preview's sections, the renderers and the test case kinds all come from here.
 */
import { apparmorRenderer } from '../render/apparmor.js';
import { falcoRenderer } from '../render/falco.js';
import { podSecurityRenderer } from '../render/pod-security.js';
import { seccompRenderer } from '../render/seccomp.js';
import { apparmor } from './apparmor/index.js';
import { falco } from './falco/index.js';
import type { PolicyLanguage } from './language.js';
import { podSecurity } from './pod-security/index.js';
import { seccomp } from './seccomp/index.js';

export const languages: readonly PolicyLanguage[] = [
  {
    ...falco,
    impact: async () => (await import('../impact/falco.js')).falcoSection,
    render: falcoRenderer,
    testCases: async () => [(await import('../testing/kinds/falco.js')).falcoCase],
  },
  {
    ...apparmor,
    impact: async () => (await import('../impact/apparmor.js')).appArmorSection,
    render: apparmorRenderer,
    testCases: async () => [(await import('../testing/kinds/apparmor.js')).apparmorCase],
  },
  {
    ...seccomp,
    impact: async () => (await import('../impact/seccomp.js')).seccompSection,
    render: seccompRenderer,
    testCases: async () => [(await import('../testing/kinds/seccomp.js')).seccompCase],
  },
  {
    ...podSecurity,
    impact: async () => (await import('../impact/pod-security.js')).podSecuritySection,
    render: podSecurityRenderer,
    testCases: async () => [(await import('../testing/kinds/pod-security.js')).podSecurityCase],
  },
];
