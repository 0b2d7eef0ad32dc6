#!/usr/bin/env bash
# A three-node RabbitMQ cluster on this machine, without Docker: for watching quorum queues
# survive the loss of a node. Each node has its own name, ports, data and logs; the three share
# an Erlang cookie of their own, so a RabbitMQ already running here is left alone.
#
#   scripts/rabbitmq-cluster.sh start            start the three nodes; on the first start, join 2 and 3 to 1
#   scripts/rabbitmq-cluster.sh status           which nodes run, and the cluster as a running node sees it
#   scripts/rabbitmq-cluster.sh kill <n>         hard-kill node n's Erlang VM (SIGKILL: no clean shutdown)
#   scripts/rabbitmq-cluster.sh restart <n>      start node n again (stopping it first if it runs)
#   scripts/rabbitmq-cluster.sh stop             stop the three nodes, keeping their data
#   scripts/rabbitmq-cluster.sh clean            stop, then delete the data and the cookie
#   scripts/rabbitmq-cluster.sh ctl <n> <args>   rabbitmqctl against node n, e.g. `ctl 1 cluster_status`
#
# Node n is rabbit<n>@localhost: AMQP on 127.0.0.1:567<2+n> (5673, 5674, 5675), Erlang
# distribution on 2567<2+n>, data and logs in .cluster/rabbitmq/rabbit<n>/ (gitignored; set
# RABBITMQ_CLUSTER_DIR to use another directory). The management plugin is off. Each node has
# RabbitMQ's default guest/guest user, which connects from this machine only:
#   AMQP_URL=amqp://guest:guest@localhost:5673
# Needs RabbitMQ 3.10 or later installed (rabbitmq-server on PATH, or Debian's package), or:
#   RABBITMQ_RELEASE=forky scripts/rabbitmq-cluster.sh start
# runs the three nodes from that Debian suite's RabbitMQ (forky: 4.3) through
# scripts/rabbitmq-release.sh, in its chroot, with their own data in .cluster/rabbitmq-<suite>/
# (a cluster's data belongs to one version). Set it for every command of that cluster.
# https://www.rabbitmq.com/docs/clustering#single-machine
set -euo pipefail
cd "$(dirname "$0")/.."

readonly NODES=(1 2 3)
readonly RELEASE=${RABBITMQ_RELEASE:-}
readonly CLUSTER_DIR=${RABBITMQ_CLUSTER_DIR:-$PWD/.cluster/rabbitmq${RELEASE:+-$RELEASE}}
readonly CONFIG_FILE=$PWD/deploy/rabbitmq/local-cluster.conf
readonly STARTUP_TIMEOUT=120

# Debian's and Ubuntu's /usr/sbin/rabbitmq-* are wrappers that switch to the rabbitmq user, with
# that user's home and cookie, when run as root (and refuse anyone else), so this script calls
# the real scripts behind them. Elsewhere (generic binary build, Homebrew) they are on PATH.
rabbitmq_scripts_dir() {
  if [ -n "$RELEASE" ]; then
    # Debian's package inside the release's chroot.
    echo /usr/lib/rabbitmq/bin
  elif [ -n "${RABBITMQ_SCRIPTS_DIR:-}" ]; then
    echo "$RABBITMQ_SCRIPTS_DIR"
  elif [ -x /usr/lib/rabbitmq/bin/rabbitmq-server ]; then
    echo /usr/lib/rabbitmq/bin
  elif command -v rabbitmq-server >/dev/null; then
    dirname "$(command -v rabbitmq-server)"
  else
    echo "rabbitmq-server not found: install RabbitMQ, or set RABBITMQ_SCRIPTS_DIR" >&2
    exit 1
  fi
}
SCRIPTS=$(rabbitmq_scripts_dir)
readonly SCRIPTS

node_name() { echo "rabbit$1@localhost"; }
node_dir() { echo "$CLUSTER_DIR/rabbit$1"; }
amqp_port() { echo $((5672 + $1)); }
dist_port() { echo $((25672 + $1)); }

check_node_number() {
  case "${1:-}" in
    1 | 2 | 3) ;;
    *)
      echo "expected a node number, 1 to 3; got '${1:-}'" >&2
      exit 2
      ;;
  esac
}

# Runs a RabbitMQ script as node n: the node's name, ports and directories, and the cluster's
# cookie in HOME/.erlang.cookie. The server and the CLI tools read the same variables, so
# rabbitmqctl reaches the right node with the right cookie. With a release, the same command
# runs in its chroot, where the cluster's directory and the configuration's are mounted at the
# same paths, so every path here means the same file inside and out.
# https://www.rabbitmq.com/docs/configure#supported-environment-variables
as_node() {
  local n=$1 script=$2
  shift 2
  local dir
  dir=$(node_dir "$n")
  local run=(env)
  if [ -n "$RELEASE" ]; then
    run=(scripts/rabbitmq-release.sh run "$RELEASE" --bind "$CLUSTER_DIR" --bind "$(dirname "$CONFIG_FILE")" --)
  fi
  "${run[@]}" \
    HOME="$CLUSTER_DIR/home" \
    RABBITMQ_CONF_ENV_FILE=/dev/null \
    RABBITMQ_CONFIG_FILE="$CONFIG_FILE" \
    RABBITMQ_CONFIG_FILES="$CLUSTER_DIR/conf.d" \
    RABBITMQ_ADVANCED_CONFIG_FILE="$dir/advanced.config" \
    RABBITMQ_ENABLED_PLUGINS_FILE="$CLUSTER_DIR/enabled_plugins" \
    RABBITMQ_NODENAME="$(node_name "$n")" \
    RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 \
    RABBITMQ_NODE_PORT="$(amqp_port "$n")" \
    RABBITMQ_DIST_PORT="$(dist_port "$n")" \
    RABBITMQ_MNESIA_BASE="$dir/mnesia" \
    RABBITMQ_LOG_BASE="$dir/log" \
    RABBITMQ_PID_FILE="$dir/rabbit.pid" \
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}" \
    ERL_EPMD_ADDRESS=127.0.0.1 \
    ERL_CRASH_DUMP="$dir/erl_crash.dump" \
    "$SCRIPTS/$script" "$@"
}

ctl() {
  local n=$1
  shift
  as_node "$n" rabbitmqctl -n "$(node_name "$n")" "$@"
}

# The node's Erlang VM, from the pid file the node writes at boot; empty when it is not running.
vm_pid() {
  local pid_file
  pid_file="$(node_dir "$1")/rabbit.pid"
  [ -s "$pid_file" ] || return 0
  local pid
  pid=$(cat "$pid_file")
  if kill -0 "$pid" 2>/dev/null; then echo "$pid"; fi
}

prepare() {
  local n
  mkdir -p "$CLUSTER_DIR/home" "$CLUSTER_DIR/conf.d"
  for n in "${NODES[@]}"; do mkdir -p "$(node_dir "$n")/log"; done
  # One cookie for the three nodes and the CLI, made here so it is nobody else's: Erlang nodes
  # and tools authenticate to each other with it. It must be readable by its owner only.
  # https://www.rabbitmq.com/docs/clustering#erlang-cookie
  local cookie=$CLUSTER_DIR/home/.erlang.cookie
  if [ ! -s "$cookie" ]; then
    (umask 077 && od -An -N16 -tx1 /dev/urandom | tr -d ' \n' >"$cookie")
    chmod 400 "$cookie"
  fi
  # No plugins: the management UI would cost each node memory and CPU this demo does not need.
  echo '[].' >"$CLUSTER_DIR/enabled_plugins"
}

start_node() {
  local n=$1
  if [ -n "$(vm_pid "$n")" ]; then
    echo "$(node_name "$n") is already running"
    return
  fi
  echo "starting $(node_name "$n") (AMQP port $(amqp_port "$n"), distribution port $(dist_port "$n"))"
  rm -f "$(node_dir "$n")/rabbit.pid"
  as_node "$n" rabbitmq-server -detached
}

# Waits for the node to write its pid file, then for RabbitMQ to have booted on it.
await_node() {
  ctl "$1" -q wait "$(node_dir "$1")/rabbit.pid" --timeout "$STARTUP_TIMEOUT"
}

is_clustered_with_first() {
  ctl "$1" -q cluster_status --formatter json 2>/dev/null | grep -q "\"$(node_name 1)\""
}

# https://www.rabbitmq.com/docs/clustering#creating
join_first() {
  local n=$1 step output
  echo "joining $(node_name "$n") to $(node_name 1)"
  # The CLI logs warnings while the node restarts; shown only when a step fails.
  for step in stop_app reset "join_cluster $(node_name 1)" start_app; do
    # shellcheck disable=SC2086 # a step is a command and its argument
    if ! output=$(ctl "$n" -q $step 2>&1); then
      echo "$output" >&2
      echo "joining $(node_name "$n") failed at: $step" >&2
      exit 1
    fi
  done
}

start() {
  local n
  prepare
  # All three start at once: a node stopped after its peers waits at boot for the one that
  # stopped last, so starting them one after another could wait on a node not started yet.
  # https://www.rabbitmq.com/docs/clustering#restarting
  for n in "${NODES[@]}"; do start_node "$n"; done
  for n in "${NODES[@]}"; do await_node "$n"; done
  for n in "${NODES[@]:1}"; do
    if ! is_clustered_with_first "$n"; then join_first "$n"; fi
  done
  status
}

stop_node() {
  local n=$1 pid
  pid=$(vm_pid "$n")
  if [ -z "$pid" ]; then
    echo "$(node_name "$n") is not running"
    return
  fi
  echo "stopping $(node_name "$n")"
  # Given the pid file, `stop` returns once the VM has exited.
  ctl "$n" -q stop "$(node_dir "$n")/rabbit.pid" >/dev/null
}

stop() {
  local n
  # Node 1 last: it is the first to come back on the next start.
  for n in 3 2 1; do stop_node "$n"; done
}

kill_node() {
  local n=$1 pid
  check_node_number "$n"
  pid=$(vm_pid "$n")
  if [ -z "$pid" ]; then
    echo "$(node_name "$n") is not running" >&2
    exit 1
  fi
  kill -KILL "$pid"
  while kill -0 "$pid" 2>/dev/null; do sleep 0.2; done
  echo "killed $(node_name "$n") (Erlang VM pid $pid, SIGKILL)"
}

restart_node() {
  local n=$1
  check_node_number "$n"
  prepare
  stop_node "$n"
  start_node "$n"
  await_node "$n"
  echo "$(node_name "$n") is running"
}

status() {
  local first_running= n
  for n in "${NODES[@]}"; do
    local pid
    pid=$(vm_pid "$n")
    if [ -n "$pid" ]; then
      echo "$(node_name "$n"): running, pid $pid, amqp://localhost:$(amqp_port "$n")"
      first_running=${first_running:-$n}
    else
      echo "$(node_name "$n"): not running"
    fi
  done
  if [ -n "$first_running" ]; then
    echo
    ctl "$first_running" cluster_status
  fi
}

clean() {
  stop
  rm -rf "$CLUSTER_DIR"
  echo "removed $CLUSTER_DIR"
}

usage() {
  sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  kill) kill_node "${2:-}" ;;
  restart) restart_node "${2:-}" ;;
  clean) clean ;;
  ctl)
    check_node_number "${2:-}"
    n=$2
    shift 2
    ctl "$n" "$@"
    ;;
  *) usage ;;
esac
