#!/usr/bin/env bash
# A RabbitMQ release other than the machine's own, from a Debian suite's package, run beside it:
# the tests and the chaos run use it to run on the RabbitMQ users run (forky: 4.3; trixie: 4.0)
# while the machine keeps its own broker. The suite is installed once into a chroot of its own
# (debootstrap; a few minutes), whose binaries run only inside it (they need its newer glibc).
#
#   scripts/rabbitmq-release.sh start <suite> <port>   a node of that suite on 127.0.0.1:<port>; returns once it
#                                                       completes an AMQP handshake (nothing to do if it runs)
#   scripts/rabbitmq-release.sh stop <port>             stop the node on <port>, keeping its data
#   scripts/rabbitmq-release.sh ctl <port> <args>       rabbitmqctl against the node on <port>, e.g. `ctl 5690 stop_app`
#   scripts/rabbitmq-release.sh status [<port>]         this script's nodes; with a port, exit 1 unless that one runs
#   scripts/rabbitmq-release.sh await <port>            wait until any broker on <port> completes an AMQP handshake
#   scripts/rabbitmq-release.sh run <suite> [--bind <dir>]... -- [<NAME>=<value>]... <command> [<arg>]...
#                                                       a command inside the suite's chroot as the caller, each
#                                                       <dir> mounted at the same path (scripts/rabbitmq-cluster.sh)
#
# The node on <port> is rabbit<port>@localhost: AMQP on 127.0.0.1:<port>, Erlang distribution on
# <port>+20000, guest/guest, no plugins, data and logs in the chroot's /var/lib/rabbitmq/node-<port>/.
# Chroots live in RABBITMQ_RELEASE_DIR (default /var/tmp/rabbitmq-release), one per suite, and are
# shared by every checkout. Needs root (or sudo) for debootstrap, mount and chroot; debootstrap is
# installed with apt when missing. A Debian suite ships one version of rabbitmq-server at a time:
# `ctl <port> version` says which.
set -euo pipefail
cd "$(dirname "$0")/.."

readonly RELEASE_DIR=${RABBITMQ_RELEASE_DIR:-/var/tmp/rabbitmq-release}
readonly STARTUP_TIMEOUT=180
# Inside the chroot: Debian's package puts the real scripts here (/usr/sbin's wrappers switch users).
readonly SCRIPTS=/usr/lib/rabbitmq/bin
# shellcheck source=scripts/rabbitmq/debian-chroot.sh
. scripts/rabbitmq/debian-chroot.sh
# shellcheck source=scripts/rabbitmq/amqp-handshake.sh
. scripts/rabbitmq/amqp-handshake.sh

node_name() { echo "rabbit$1@localhost"; }
node_dir() { echo "/var/lib/rabbitmq/node-$1"; }
# The suite a port's node was last started from (absent: never started here).
record_of() { echo "$RELEASE_DIR/nodes/$1"; }

check_port() {
  if ! [[ ${1:-} =~ ^[0-9]+$ ]] || (($1 < 1024 || $1 > 45535)); then
    echo "expected a port from 1024 to 45535 (its distribution port is 20000 above); got '${1:-}'" >&2
    exit 2
  fi
}

check_suite() {
  if ! [[ ${1:-} =~ ^[a-z]+$ ]]; then
    echo "expected a Debian suite, such as forky or trixie; got '${1:-}'" >&2
    exit 2
  fi
}

# The chroot's own rabbitmq user (created by the package), as uid:gid.
rabbitmq_user() {
  awk -F: '$1 == "rabbitmq" { print $3 ":" $4 }' "$(root_of "$1")/etc/passwd"
}

# Runs a RabbitMQ script as the node on a port: its name, ports and directories. The server and the
# CLI read the same variables, so rabbitmqctl reaches the right node with the chroot's cookie.
# https://www.rabbitmq.com/docs/configure#supported-environment-variables
as_node() {
  local port=$1 script=$2 suite
  shift 2
  suite=$(cat "$(record_of "$port")")
  local dir
  dir=$(node_dir "$port")
  in_root "$suite" "$(rabbitmq_user "$suite")" "" \
    HOME=/var/lib/rabbitmq \
    RABBITMQ_CONF_ENV_FILE=/dev/null \
    RABBITMQ_CONFIG_FILE="$dir/rabbitmq.conf" \
    RABBITMQ_ENABLED_PLUGINS_FILE="$dir/enabled_plugins" \
    RABBITMQ_NODENAME="$(node_name "$port")" \
    RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 \
    RABBITMQ_NODE_PORT="$port" \
    RABBITMQ_DIST_PORT=$((port + 20000)) \
    RABBITMQ_MNESIA_BASE="$dir/mnesia" \
    RABBITMQ_LOG_BASE="$dir/log" \
    RABBITMQ_PID_FILE="$dir/rabbit.pid" \
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}" \
    ERL_EPMD_ADDRESS=127.0.0.1 \
    ERL_CRASH_DUMP="$dir/erl_crash.dump" \
    "$SCRIPTS/$script" "$@"
}

ctl() {
  local port=$1
  shift
  if [ ! -s "$(record_of "$port")" ]; then
    echo "no node of this script on port $port (start it with: $0 start <suite> $port)" >&2
    exit 1
  fi
  as_node "$port" rabbitmqctl -n "$(node_name "$port")" "$@"
}

# The node's Erlang VM, from the pid file the node writes at boot; empty when it is not running.
vm_pid() {
  local record pid_file pid
  record=$(record_of "$1")
  [ -s "$record" ] || return 0
  pid_file="$(root_of "$(cat "$record")")$(node_dir "$1")/rabbit.pid"
  [ -s "$pid_file" ] || return 0
  pid=$(cat "$pid_file")
  if [ -d "/proc/$pid" ]; then echo "$pid"; fi
}

await_handshake() {
  local port=$1 deadline=$((SECONDS + STARTUP_TIMEOUT))
  until amqp_handshake "$port"; do
    if ((SECONDS >= deadline)); then
      echo "nothing on 127.0.0.1:$port completed an AMQP handshake as guest within ${STARTUP_TIMEOUT}s" >&2
      exit 1
    fi
    sleep 1
  done
}

port_answers() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

start() {
  local suite=$1 port=$2 record running_suite=
  record=$(record_of "$port")
  if [ -n "$(vm_pid "$port")" ]; then
    running_suite=$(cat "$record")
    if [ "$running_suite" != "$suite" ]; then
      echo "$(node_name "$port") runs $running_suite's RabbitMQ; stop it first ($0 stop $port)" >&2
      exit 1
    fi
    echo "$(node_name "$port") ($suite) is already running"
    await_handshake "$port"
    return
  fi
  if port_answers "$port" || port_answers $((port + 20000)); then
    echo "port $port or $((port + 20000)) is taken by something this script does not run" >&2
    exit 1
  fi
  ensure_root "$suite"
  as_root mkdir -p "$RELEASE_DIR/nodes"
  echo "$suite" | as_root tee "$record" >/dev/null

  local root dir
  root=$(root_of "$suite")
  dir=$(node_dir "$port")
  as_root mkdir -p "$root$dir/log"
  # guest may log in from anywhere the listener is reachable, and it listens on loopback only.
  # https://www.rabbitmq.com/docs/access-control#loopback-users
  printf '%s\n' \
    '# Written by scripts/rabbitmq-release.sh at every start.' \
    "listeners.tcp.1 = 127.0.0.1:$port" \
    'loopback_users = none' \
    'log.console = false' \
    'log.file.level = info' | as_root tee "$root$dir/rabbitmq.conf" >/dev/null
  echo '[].' | as_root tee "$root$dir/enabled_plugins" >/dev/null
  as_root chown -R "$(rabbitmq_user "$suite")" "$root$dir"
  as_root rm -f "$root$dir/rabbit.pid"

  echo "starting $(node_name "$port") from Debian $suite (AMQP 127.0.0.1:$port, distribution $((port + 20000)))"
  as_node "$port" rabbitmq-server -detached
  ctl "$port" -q wait "$dir/rabbit.pid" --timeout "$STARTUP_TIMEOUT"
  await_handshake "$port"
  echo "$(node_name "$port") is running RabbitMQ $(ctl "$port" -q version): amqp://guest:guest@127.0.0.1:$port"
}

stop() {
  local port=$1 pid
  pid=$(vm_pid "$port")
  if [ -z "$pid" ]; then
    echo "$(node_name "$port") is not running"
    return
  fi
  echo "stopping $(node_name "$port")"
  # Given the pid file, `stop` returns once the VM has exited.
  ctl "$port" -q stop "$(node_dir "$port")/rabbit.pid" >/dev/null
}

status() {
  local port=${1:-} record
  if [ -n "$port" ]; then
    [ -n "$(vm_pid "$port")" ]
    return
  fi
  for record in "$RELEASE_DIR"/nodes/*; do
    [ -e "$record" ] || continue
    port=${record##*/}
    if [ -n "$(vm_pid "$port")" ]; then
      echo "$(node_name "$port") ($(cat "$record")): running, amqp://guest:guest@127.0.0.1:$port"
    else
      echo "$(node_name "$port") ($(cat "$record")): not running"
    fi
  done
}

# `run <suite> [--bind <dir>]... -- <command>`: as the caller, so files it writes in a bound
# directory are the caller's.
run() {
  local suite=$1 binds=
  shift
  while [ "${1:-}" = --bind ]; do
    if [[ ${2:-} != /* || $2 == *[[:space:]]* ]]; then
      echo "--bind needs an absolute path without spaces; got '${2:-}'" >&2
      exit 2
    fi
    binds="$binds $2"
    shift 2
  done
  if [ "${1:-}" != -- ] || [ $# -lt 2 ]; then usage; fi
  shift
  ensure_root "$suite"
  in_root "$suite" "$(id -u):$(id -g)" "$binds" "$@"
}

usage() {
  sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

case "${1:-}" in
  start)
    check_suite "${2:-}"
    check_port "${3:-}"
    start "$2" "$3"
    ;;
  stop)
    check_port "${2:-}"
    stop "$2"
    ;;
  ctl)
    check_port "${2:-}"
    port=$2
    shift 2
    ctl "$port" "$@"
    ;;
  status)
    if [ -n "${2:-}" ]; then check_port "$2"; fi
    status "${2:-}"
    ;;
  await)
    check_port "${2:-}"
    await_handshake "$2"
    ;;
  run)
    check_suite "${2:-}"
    suite=$2
    shift 2
    run "$suite" "$@"
    ;;
  *) usage ;;
esac