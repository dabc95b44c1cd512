/** The profiles that the rule pages show as examples (each rule's `meta.docs`), built once here. */

export const PROFILE_FILE = 'policies/seccomp/web.json';

/** A profile that allows by default, with the given `syscalls` array (JSON text). */
export function allowProfile(syscalls: string): string {
  return `{\n  "defaultAction": "SCMP_ACT_ALLOW",\n  "syscalls": ${syscalls}\n}\n`;
}

export const PTRACE_DENIED = allowProfile(
  '[\n    { "names": ["ptrace", "kexec_load"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1 }\n  ]',
);
