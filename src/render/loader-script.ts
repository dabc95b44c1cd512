/**
 * The profile loader's script (POSIX sh, run by the DaemonSet on every node). It keeps the node in
 * step with the mounted ConfigMaps: a changed AppArmor profile is compiled and loaded first
 * (`apparmor_parser -r`, which replaces the kernel's copy atomically) and only then moved into
 * place; a profile that no longer exists is unloaded (`apparmor_parser -R`) and its file removed.
 * seccomp profiles are written beside and renamed into the kubelet's directory, so that a pod
 * never reads half a file. A profile that fails to load leaves the previous version in force.
 * Paths come from the environment so that the script can be tested off a node.
 */
export const LOADER_SCRIPT = `#!/bin/sh
# Rendered by container-host-security: keeps this node's AppArmor and seccomp profiles in step
# with the ConfigMaps mounted at $CHS_APPARMOR_SRC and $CHS_SECCOMP_SRC.
set -u
HOST=\${CHS_HOST_ROOT:-/host}
APPARMOR_SRC=\${CHS_APPARMOR_SRC:-/chs/apparmor}
SECCOMP_SRC=\${CHS_SECCOMP_SRC:-/chs/seccomp}
APPARMOR_DIR=\${CHS_APPARMOR_DIR:-/etc/apparmor.d/container-host-security}
SECCOMP_DIR=\${CHS_SECCOMP_DIR:-/var/lib/kubelet/seccomp/container-host-security}
MODE=\${CHS_APPARMOR_MODE:-complain}
INTERVAL=\${CHS_INTERVAL:-60}

log() { echo "chs-loader: $*"; }

# apparmor_parser FLAGS... HOSTFILE: the image's parser when it has one, else the node's (chroot).
parse() {
  file=$1
  shift
  if command -v apparmor_parser >/dev/null 2>&1; then
    apparmor_parser "$@" "$HOST$file"
  else
    chroot "$HOST" apparmor_parser "$@" "$file"
  fi
}

sync_apparmor() {
  [ -d "$APPARMOR_SRC" ] || return 0
  mkdir -p "$HOST$APPARMOR_DIR" || return 1
  result=0
  mode_file="$HOST$APPARMOR_DIR/.chs-mode"
  previous=$(cat "$mode_file" 2>/dev/null || echo none)
  for src in "$APPARMOR_SRC"/*; do
    [ -f "$src" ] || continue
    name=\${src##*/}
    dst="$APPARMOR_DIR/$name"
    if [ "$previous" = "$MODE" ] && cmp -s "$src" "$HOST$dst"; then continue; fi
    cp "$src" "$HOST$dst.chs-new" || { result=1; continue; }
    if [ "$MODE" = enforce ]; then flags=-r; else flags="-r -C"; fi
    # shellcheck disable=SC2086
    if parse "$dst.chs-new" $flags; then
      mv -f "$HOST$dst.chs-new" "$HOST$dst"
      log "loaded AppArmor profile $name ($MODE)"
    else
      rm -f "$HOST$dst.chs-new"
      log "failed to load AppArmor profile $name: the previous version stays in force" >&2
      result=1
    fi
  done
  for dst in "$HOST$APPARMOR_DIR"/*; do
    [ -f "$dst" ] || continue
    name=\${dst##*/}
    case $name in *.chs-new) rm -f "$dst"; continue ;; esac
    [ -f "$APPARMOR_SRC/$name" ] && continue
    if parse "$APPARMOR_DIR/$name" -R; then
      rm -f "$dst"
      log "unloaded AppArmor profile $name"
    else
      log "failed to unload AppArmor profile $name" >&2
      result=1
    fi
  done
  [ "$result" = 0 ] && echo "$MODE" > "$mode_file"
  return "$result"
}

sync_seccomp() {
  [ -d "$SECCOMP_SRC" ] || return 0
  mkdir -p "$HOST$SECCOMP_DIR" || return 1
  result=0
  for src in "$SECCOMP_SRC"/*; do
    [ -f "$src" ] || continue
    name=\${src##*/}
    dst="$HOST$SECCOMP_DIR/$name"
    cmp -s "$src" "$dst" && continue
    if cp "$src" "$dst.chs-new" && mv -f "$dst.chs-new" "$dst"; then
      log "installed seccomp profile $name"
    else
      result=1
    fi
  done
  for dst in "$HOST$SECCOMP_DIR"/*; do
    [ -f "$dst" ] || continue
    name=\${dst##*/}
    case $name in *.chs-new) rm -f "$dst"; continue ;; esac
    [ -f "$SECCOMP_SRC/$name" ] && continue
    rm -f "$dst" && log "removed seccomp profile $name"
  done
  return "$result"
}

trap 'exit 0' TERM INT
while :; do
  status=0
  sync_apparmor || status=1
  sync_seccomp || status=1
  [ "\${CHS_ONCE:-}" = 1 ] && exit "$status"
  sleep "$INTERVAL" &
  wait $!
done
`;
