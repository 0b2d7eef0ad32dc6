# Sourced by scripts/rabbitmq-release.sh: a Debian suite's chroot, installed once with debootstrap,
# and commands run inside it. Reads RELEASE_DIR (where the chroots live) and SCRIPTS (where, inside
# one, the RabbitMQ scripts are) from the script that sources it.

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo --non-interactive "$@"; fi
}

root_of() { echo "$RELEASE_DIR/$1/root"; }

# The mirror this machine's apt uses, so the chroot comes from the same place.
mirror() {
  if [ -n "${RABBITMQ_RELEASE_MIRROR:-}" ]; then
    echo "$RABBITMQ_RELEASE_MIRROR"
    return
  fi
  local uri
  uri=$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  echo "${uri:-http://deb.debian.org/debian}"
}

# Built into a directory of its own and renamed when complete, so an interrupted debootstrap is
# never mistaken for a chroot. Bookworm's debootstrap has no script for forky; sid's fits every
# suite since bookworm. https://wiki.debian.org/Debootstrap
ensure_root() {
  local suite=$1 root partial
  root=$(root_of "$suite")
  [ -x "$root$SCRIPTS/rabbitmq-server" ] && return
  if ! command -v debootstrap >/dev/null; then
    as_root apt-get update
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends debootstrap
  fi
  partial="$RELEASE_DIR/$suite/root.partial"
  echo "installing Debian $suite's rabbitmq-server into $root (a few minutes)"
  as_root rm -rf "$partial"
  as_root mkdir -p "$RELEASE_DIR/$suite"
  if ! as_root debootstrap --variant=minbase --include=rabbitmq-server,ca-certificates \
    "$suite" "$partial" "$(mirror)" /usr/share/debootstrap/scripts/sid 2>&1 |
    as_root tee "$RELEASE_DIR/$suite/debootstrap.log" >/dev/null; then
    tail -n 20 "$RELEASE_DIR/$suite/debootstrap.log" >&2
    echo "debootstrap of $suite failed; its log: $RELEASE_DIR/$suite/debootstrap.log" >&2
    exit 1
  fi
  as_root mv "$partial" "$root"
}

# Runs a command in the suite's chroot as uid:gid, in a mount namespace of its own: /proc and the
# bind mounts exist for that command and whatever it leaves running (a node), and vanish with them,
# so nothing stays mounted on the host and deleting a directory never reaches through a mount.
in_root() {
  local suite=$1 user=$2 binds=$3
  shift 3
  local root
  root=$(root_of "$suite")
  # The node and the CLI resolve `localhost` and this machine's name like the host does.
  as_root cp /etc/hosts "$root/etc/hosts"
  # shellcheck disable=SC2016 # expanded by the inner shell
  as_root unshare --mount --propagation private -- sh -c '
    set -e
    root=$1 binds=$2 user=$3
    shift 3
    mount -t proc proc "$root/proc"
    for dir in $binds; do
      mkdir -p "$root$dir"
      mount --bind "$dir" "$root$dir"
    done
    exec chroot --userspec="$user" --groups="${user#*:}" "$root" \
      /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 "$@"
  ' in-root "$root" "$binds" "$user" "$@"
}
