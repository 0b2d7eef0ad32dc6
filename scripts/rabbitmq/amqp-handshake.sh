# Sourced by scripts/rabbitmq-release.sh: an AMQP 0-9-1 handshake in bash alone, to tell a broker
# that answers from a port that merely accepts connections.

# Opens 127.0.0.1:<port> and completes an AMQP 0-9-1 handshake as guest (start, tune, open on
# vhost /), then closes the connection. An open port is not enough: a node out of file handles
# accepts TCP connections and never answers them. Frames as in the spec, section 4.2; tune-ok
# asks for one channel and frames of 128 KiB (RabbitMQ refuses 0, "no limit", for channels).
# https://www.rabbitmq.com/resources/specs/amqp0-9-1.pdf
amqp_handshake() {
  local port=$1 fd
  { exec {fd}<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null || return 1
  local ok=0
  {
    printf 'AMQP\0\0\011\001' >&"$fd" &&
      expect_method "$fd" 000a000a &&
      send_method "$fd" 000a000b "00000000$(shortstr PLAIN)$(longstr_hex "00$(hex guest)00$(hex guest)")$(shortstr en_US)" &&
      expect_method "$fd" 000a001e &&
      send_method "$fd" 000a001f 0001000200000000 &&
      send_method "$fd" 000a0028 "$(shortstr /)0000" &&
      expect_method "$fd" 000a0029 &&
      send_method "$fd" 000a0032 00c80000000000 &&
      expect_method "$fd" 000a0033
  } 2>/dev/null || ok=1
  exec {fd}>&-
  return "$ok"
}

hex() { printf '%s' "$1" | od -An -v -tx1 | tr -d ' \n'; }
shortstr() { printf '%02x%s' "${#1}" "$(hex "$1")"; }
longstr_hex() { printf '%08x%s' $((${#1} / 2)) "$1"; }

# A method frame on channel 0: type 1, channel, size, class and method, arguments, frame end.
send_method() {
  local fd=$1 payload=$2$3
  local frame
  frame=$(printf '010000%08x%sce' $((${#payload} / 2)) "$payload")
  # shellcheck disable=SC2059 # the format is the frame, as \x escapes
  printf "$(sed 's/../\\x&/g' <<<"$frame")" >&"$fd"
}

# Reads one frame (5 s at most) and succeeds when it is the expected method on channel 0.
expect_method() {
  local fd=$1 expected=$2 header size payload
  header=$(timeout 5 head -c 7 <&"$fd" | od -An -v -tx1 | tr -d ' \n')
  [ "${#header}" -eq 14 ] && [ "${header:0:6}" = 010000 ] || return 1
  size=$((16#${header:6:8}))
  payload=$(timeout 5 head -c $((size + 1)) <&"$fd" | od -An -v -tx1 | tr -d ' \n')
  [ "${payload:0:8}" = "$expected" ]
}
