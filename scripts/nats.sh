#!/usr/bin/env bash
# A local NATS server with JetStream on loopback, for running the sample app with the `nats` profile.
#
#   scripts/nats.sh start     start nats-server -js; idempotent
#   scripts/nats.sh stop      stop the server this script started (its pid file only); idempotent
#   scripts/nats.sh status    print whether it runs; exit 0 when running, 3 when not
#
# The default port is 4223, not NATS's usual 4222, so that it never clashes with a system-wide
# nats-server (Debian's package starts one on 4222). Point the app at it with
# `--eventbus.nats.servers=nats://127.0.0.1:4223` (the sample's `nats` profile does by default).
#
# Environment (all optional):
#   NATS_PORT           client port (default 4223)
#   NATS_HOST           listen address (default 127.0.0.1; loopback only)
#   NATS_DIR            state folder: JetStream store, pid, log (default <repo>/.eventbus/nats)
#   NATS_SERVER         nats-server binary (default: found on PATH or /usr/sbin/nats-server)
#   NATS_START_TIMEOUT  seconds to wait for the server to be ready (default 30)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PORT="${NATS_PORT:-4223}"
HOST="${NATS_HOST:-127.0.0.1}"
DIR="${NATS_DIR:-$ROOT/.eventbus/nats}"
START_TIMEOUT="${NATS_START_TIMEOUT:-30}"
PID_FILE="$DIR/nats.pid"
PORT_FILE="$DIR/nats.port"
LOG_FILE="$DIR/nats.log"
STORE="$DIR/store"

say() { echo "nats.sh: $*"; }
fail() { echo "nats.sh: $*" >&2; exit 1; }

find_server() {
	if [ -n "${NATS_SERVER:-}" ]; then
		[ -x "$NATS_SERVER" ] || fail "NATS_SERVER=$NATS_SERVER is not an executable file"
		echo "$NATS_SERVER"
	elif command -v nats-server >/dev/null 2>&1; then
		command -v nats-server
	elif [ -x /usr/sbin/nats-server ]; then
		echo /usr/sbin/nats-server
	else
		fail "nats-server not found. Install it: 'sudo apt-get install nats-server' (Debian/Ubuntu), \
'brew install nats-server' (macOS), or download a release from https://github.com/nats-io/nats-server/releases \
and set NATS_SERVER=/path/to/nats-server"
	fi
}

running_pid() {
	[ -f "$PID_FILE" ] || return 1
	local pid
	pid="$(cat "$PID_FILE" 2>/dev/null || true)"
	[[ "$pid" =~ ^[0-9]+$ ]] || return 1
	kill -0 "$pid" 2>/dev/null || return 1
	# Guard against a recycled pid: only a nats-server process counts.
	if [ -r "/proc/$pid/cmdline" ] && ! tr '\0' ' ' < "/proc/$pid/cmdline" | grep -q 'nats-server'; then
		return 1
	fi
	echo "$pid"
}

# The port the running process was started with (the environment may differ now).
started_port() {
	cat "$PORT_FILE" 2>/dev/null || echo "$PORT"
}

port_open() {
	(exec 3<>"/dev/tcp/$1/$2") 2>/dev/null
}

start() {
	local pid server
	if pid="$(running_pid)"; then
		say "already running (pid $pid, nats://$HOST:$(started_port), log $LOG_FILE)"
		return 0
	fi
	rm -f "$PID_FILE" "$PORT_FILE"
	server="$(find_server)"
	if port_open "$HOST" "$PORT"; then
		fail "port $HOST:$PORT is already taken by another process; pick another with NATS_PORT=<port>"
	fi
	mkdir -p "$DIR" "$STORE"
	local mark
	mark="$(wc -l 2>/dev/null < "$LOG_FILE" || echo 0)"
	echo "---- nats.sh start $(date -u +%FT%TZ) port $PORT" >> "$LOG_FILE"
	nohup "$server" -js -a "$HOST" -p "$PORT" -sd "$STORE" -n "eventbus-local-$PORT" \
		</dev/null >>"$LOG_FILE" 2>&1 &
	pid=$!
	echo "$pid" > "$PID_FILE"
	echo "$PORT" > "$PORT_FILE"
	local deadline=$((SECONDS + START_TIMEOUT))
	while true; do
		if ! kill -0 "$pid" 2>/dev/null; then
			rm -f "$PID_FILE" "$PORT_FILE"
			tail -n 20 "$LOG_FILE" >&2 || true
			fail "nats-server exited during start-up; full log: $LOG_FILE"
		fi
		if port_open "$HOST" "$PORT" && tail -n +"$((mark + 1))" "$LOG_FILE" | grep -q 'Server is ready'; then
			break
		fi
		if [ "$SECONDS" -ge "$deadline" ]; then
			tail -n 20 "$LOG_FILE" >&2 || true
			fail "nats-server (pid $pid) is not ready after ${START_TIMEOUT}s; see $LOG_FILE or run '$0 stop'"
		fi
		sleep 0.2
	done
	say "started (pid $pid) on nats://$HOST:$PORT with JetStream (store $STORE); log: $LOG_FILE"
}

stop() {
	local pid
	if ! pid="$(running_pid)"; then
		rm -f "$PID_FILE" "$PORT_FILE"
		say "not running"
		return 0
	fi
	kill -TERM "$pid"
	local deadline=$((SECONDS + 30))
	while kill -0 "$pid" 2>/dev/null; do
		if [ "$SECONDS" -ge "$deadline" ]; then
			say "pid $pid did not stop within 30s; sending SIGKILL"
			kill -KILL "$pid" 2>/dev/null || true
			break
		fi
		sleep 0.2
	done
	rm -f "$PID_FILE" "$PORT_FILE"
	say "stopped (pid $pid)"
}

status() {
	local pid
	if pid="$(running_pid)"; then
		say "running (pid $pid) on nats://$HOST:$(started_port); log: $LOG_FILE"
		return 0
	fi
	say "not running (state folder: $DIR)"
	return 3
}

case "${1:-}" in
	start) start ;;
	stop) stop ;;
	status) status ;;
	*) echo "usage: $0 start|stop|status   (env: NATS_PORT (default 4223), NATS_DIR, NATS_SERVER)" >&2; exit 2 ;;
esac
