/**
 * The names apparmor_parser knows: capabilities, network families and types, signals, rlimits,
 * profile flags, mount options. Taken from the kernel's and AppArmor 4.1's documentation.
 */

export const CAPABILITIES: ReadonlySet<string> = new Set([
  'chown', 'dac_override', 'dac_read_search', 'fowner', 'fsetid', 'kill', 'setgid', 'setuid',
  'setpcap', 'linux_immutable', 'net_bind_service', 'net_broadcast', 'net_admin', 'net_raw',
  'ipc_lock', 'ipc_owner', 'sys_module', 'sys_rawio', 'sys_chroot', 'sys_ptrace', 'sys_pacct',
  'sys_admin', 'sys_boot', 'sys_nice', 'sys_resource', 'sys_time', 'sys_tty_config', 'mknod',
  'lease', 'audit_write', 'audit_control', 'setfcap', 'mac_override', 'mac_admin', 'syslog',
  'wake_alarm', 'block_suspend', 'audit_read', 'perfmon', 'bpf', 'checkpoint_restore',
]);

/** Capabilities added after Linux 5.4 / AppArmor 3.0 (parsed by 4.x only with newer kernels). */
export const NETWORK_DOMAINS: ReadonlySet<string> = new Set([
  'unix', 'local', 'inet', 'ax25', 'ipx', 'appletalk', 'netrom', 'bridge', 'atmpvc', 'x25',
  'inet6', 'rose', 'netbeui', 'security', 'key', 'netlink', 'packet', 'ash', 'econet', 'atmsvc',
  'rds', 'sna', 'irda', 'pppox', 'wanpipe', 'llc', 'ib', 'mpls', 'can', 'tipc', 'bluetooth',
  'iucv', 'rxrpc', 'isdn', 'phonet', 'ieee802154', 'caif', 'alg', 'nfc', 'vsock', 'kcm',
  'qipcrtr', 'smc', 'xdp', 'mctp',
]);

export const NETWORK_TYPES: ReadonlySet<string> = new Set([
  'stream', 'dgram', 'seqpacket', 'rdm', 'raw', 'packet',
]);

export const NETWORK_PROTOCOLS: ReadonlySet<string> = new Set(['tcp', 'udp', 'icmp']);

export const NETWORK_PERMISSIONS: ReadonlySet<string> = new Set([
  'create', 'bind', 'listen', 'accept', 'connect', 'shutdown', 'getattr', 'setattr', 'getopt',
  'setopt', 'send', 'receive', 'r', 'w', 'rw', 'read', 'write',
]);

export const UNIX_PERMISSIONS: ReadonlySet<string> = NETWORK_PERMISSIONS;

export const SIGNALS: ReadonlySet<string> = new Set([
  'hup', 'int', 'quit', 'ill', 'trap', 'abrt', 'bus', 'fpe', 'kill', 'usr1', 'segv', 'usr2',
  'pipe', 'alrm', 'term', 'stkflt', 'chld', 'cont', 'stop', 'stp', 'ttin', 'ttou', 'urg', 'xcpu',
  'xfsz', 'vtalrm', 'prof', 'winch', 'io', 'pwr', 'sys', 'emt', 'exists', 'lost',
]);

export const SIGNAL_PERMISSIONS: ReadonlySet<string> = new Set([
  'send', 'receive', 'r', 'w', 'rw', 'read', 'write',
]);

export const PTRACE_PERMISSIONS: ReadonlySet<string> = new Set([
  'r', 'w', 'rw', 'read', 'write', 'trace', 'readby', 'tracedby',
]);

export const DBUS_PERMISSIONS: ReadonlySet<string> = new Set([
  'send', 'receive', 'bind', 'eavesdrop', 'r', 'w', 'rw', 'read', 'write',
]);

export const MQUEUE_PERMISSIONS: ReadonlySet<string> = new Set([
  'r', 'w', 'rw', 'read', 'write', 'create', 'open', 'delete', 'getattr', 'setattr',
]);

export const IO_URING_PERMISSIONS: ReadonlySet<string> = new Set(['sqpoll', 'override_creds']);

export const USERNS_PERMISSIONS: ReadonlySet<string> = new Set(['create']);

/** rlimit name -> how its value is written. */
export const RLIMITS: ReadonlyMap<string, 'size' | 'number' | 'time' | 'nice' | 'rttime'> = new Map([
  ['cpu', 'time'], ['fsize', 'size'], ['data', 'size'], ['stack', 'size'], ['core', 'size'],
  ['rss', 'size'], ['nproc', 'number'], ['nofile', 'number'], ['ofile', 'number'],
  ['memlock', 'size'], ['as', 'size'], ['locks', 'number'], ['sigpending', 'number'],
  ['msgqueue', 'size'], ['nice', 'nice'], ['rtprio', 'number'], ['rttime', 'rttime'],
]);

/** Profile modes: at most one per profile. */
export const MODE_FLAGS: ReadonlySet<string> = new Set([
  'enforce', 'complain', 'kill', 'unconfined', 'prompt', 'default_allow',
]);

export const PLAIN_FLAGS: ReadonlySet<string> = new Set([
  ...MODE_FLAGS, 'audit', 'mediate_deleted', 'delegate_deleted', 'attach_disconnected',
  'no_attach_disconnected', 'chroot_relative', 'namespace_relative', 'chroot_attach',
  'chroot_no_attach', 'interruptible',
]);

/** Pairs of flags that contradict each other. */
export const CONFLICTING_FLAGS: readonly (readonly [string, string])[] = [
  ['mediate_deleted', 'delegate_deleted'],
  ['attach_disconnected', 'no_attach_disconnected'],
  ['chroot_relative', 'namespace_relative'],
  ['chroot_attach', 'chroot_no_attach'],
];

/** Mount options apparmor_parser accepts in `options=`. */
export const MOUNT_OPTIONS: ReadonlySet<string> = new Set([
  'ro', 'r', 'read-only', 'rw', 'w', 'suid', 'nosuid', 'dev', 'nodev', 'exec', 'noexec', 'sync',
  'async', 'remount', 'mand', 'nomand', 'dirsync', 'symfollow', 'nosymfollow', 'atime', 'noatime',
  'diratime', 'nodiratime', 'bind', 'B', 'rbind', 'R', 'move', 'M', 'verbose', 'silent', 'loud',
  'acl', 'noacl', 'unbindable', 'make-unbindable', 'runbindable', 'make-runbindable', 'private',
  'make-private', 'rprivate', 'make-rprivate', 'slave', 'make-slave', 'rslave', 'make-rslave',
  'shared', 'make-shared', 'rshared', 'make-rshared', 'relatime', 'norelatime', 'iversion',
  'noiversion', 'strictatime', 'nostrictatime', 'lazytime', 'nolazytime', 'user', 'nouser',
]);

/** Propagation options: a mount rule with one of them takes no source. */
export const PROPAGATION_OPTIONS: ReadonlySet<string> = new Set([
  'unbindable', 'make-unbindable', 'runbindable', 'make-runbindable', 'private', 'make-private',
  'rprivate', 'make-rprivate', 'slave', 'make-slave', 'rslave', 'make-rslave', 'shared',
  'make-shared', 'rshared', 'make-rshared',
]);

/** errno names accepted by `flags=(error=...)`. */
export const ERRNO_NAMES: ReadonlySet<string> = new Set([
  'EPERM', 'ENOENT', 'ESRCH', 'EINTR', 'EIO', 'ENXIO', 'E2BIG', 'ENOEXEC', 'EBADF', 'ECHILD',
  'EAGAIN', 'ENOMEM', 'EACCES', 'EFAULT', 'ENOTBLK', 'EBUSY', 'EEXIST', 'EXDEV', 'ENODEV',
  'ENOTDIR', 'EISDIR', 'EINVAL', 'ENFILE', 'EMFILE', 'ENOTTY', 'ETXTBSY', 'EFBIG', 'ENOSPC',
  'ESPIPE', 'EROFS', 'EMLINK', 'EPIPE', 'EDOM', 'ERANGE', 'EDEADLK', 'ENAMETOOLONG', 'ENOLCK',
  'ENOSYS', 'ENOTEMPTY', 'ELOOP', 'ENOMSG', 'EIDRM', 'ENOSTR', 'ENODATA', 'ETIME', 'ENOSR',
  'EREMOTE', 'ENOLINK', 'EPROTO', 'EMULTIHOP', 'EBADMSG', 'EOVERFLOW', 'EILSEQ', 'EUSERS',
  'ENOTSOCK', 'EDESTADDRREQ', 'EMSGSIZE', 'EPROTOTYPE', 'ENOPROTOOPT', 'EPROTONOSUPPORT',
  'ESOCKTNOSUPPORT', 'EOPNOTSUPP', 'EPFNOSUPPORT', 'EAFNOSUPPORT', 'EADDRINUSE', 'EADDRNOTAVAIL',
  'ENETDOWN', 'ENETUNREACH', 'ENETRESET', 'ECONNABORTED', 'ECONNRESET', 'ENOBUFS', 'EISCONN',
  'ENOTCONN', 'ESHUTDOWN', 'ETOOMANYREFS', 'ETIMEDOUT', 'ECONNREFUSED', 'EHOSTDOWN',
  'EHOSTUNREACH', 'EALREADY', 'EINPROGRESS', 'ESTALE', 'EDQUOT', 'ECANCELED', 'EOWNERDEAD',
  'ENOTRECOVERABLE', 'ERFKILL', 'EHWPOISON',
]);
