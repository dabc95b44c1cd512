/**
 * The system calls every container needs once its seccomp filter is in place: the runtime's last
 * steps (runc's init ends in execve; its Go runtime waits on futexes and returns from signal
 * handlers) and what any program does to start and stop (the loader maps memory, sets the heap
 * and, on x86_64, its thread pointer; reads, writes and closes descriptors; exits). Docker's
 * default profile allows every one of them (a test checks it): it is the reference set.
 */
export const ESSENTIAL_SYSCALLS: readonly string[] = [
  'arch_prctl',
  'brk',
  'close',
  'execve',
  'exit',
  'exit_group',
  'futex',
  'mmap',
  'mprotect',
  'munmap',
  'read',
  'rt_sigreturn',
  'write',
];

/** The node architectures Kubernetes clusters run on first (EKS, GKE). */
export const COMMON_NODE_ARCHES: readonly string[] = ['SCMP_ARCH_X86_64', 'SCMP_ARCH_AARCH64'];
