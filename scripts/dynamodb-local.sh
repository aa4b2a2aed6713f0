#!/usr/bin/env bash
# dynamodb-local.sh: install, start and stop DynamoDB Local for the tests.
#
#   scripts/dynamodb-local.sh start        install if needed, start, print the export line
#   scripts/dynamodb-local.sh stop         stop the instance started by "start"
#   scripts/dynamodb-local.sh run -- CMD   start, run CMD against it, stop; exit with CMD's code
#
# DynamoDB Local ships inside the npm package amplify-dynamodb-simulator
# (package/emulator). It listens on all interfaces and cannot bind one
# address, so it gets a free high port and is stopped by its PID only.
# Progress goes to stderr; "start" prints only the export line on stdout.
set -euo pipefail

readonly SIMULATOR="amplify-dynamodb-simulator@2.9.30"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly ROOT
readonly DIR="$ROOT/.cache/dynamodb-local"
readonly EMULATOR="$DIR/emulator"
readonly WAIT_SECONDS=30

log() { printf 'dynamodb-local: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

install() {
	if [[ -f "$EMULATOR/DynamoDBLocal.jar" ]]; then
		return
	fi
	command -v npm >/dev/null || die "npm is needed to fetch $SIMULATOR"
	command -v java >/dev/null || die "java (17+) is needed to run DynamoDB Local"
	mkdir -p "$DIR"
	log "fetching $SIMULATOR (about 56 MB)"
	local tgz
	tgz="$(cd "$DIR" && npm pack --silent "$SIMULATOR" | tail -n 1)"
	[[ -f "$DIR/$tgz" ]] || die "npm pack did not produce a tarball"
	local tmp
	tmp="$(mktemp -d "$DIR/extract.XXXXXX")"
	tar -xzf "$DIR/$tgz" -C "$tmp" package/emulator
	rm -rf "$EMULATOR"
	mv "$tmp/package/emulator" "$EMULATOR"
	rm -rf "$tmp" "${DIR:?}/$tgz"
	[[ -f "$EMULATOR/DynamoDBLocal.jar" ]] || die "the package has no emulator/DynamoDBLocal.jar"
	log "installed in $EMULATOR"
}

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()' 2>/dev/null && return
	local port
	for _ in $(seq 1 50); do
		port=$((20000 + RANDOM % 40000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
			echo "$port"
			return
		fi
	done
	die "found no free port"
}

running() {
	[[ -f "$DIR/pid" ]] && kill -0 "$(cat "$DIR/pid")" 2>/dev/null
}

wait_ready() {
	local port=$1 pid=$2 deadline=$((SECONDS + WAIT_SECONDS))
	# Any HTTP answer (DynamoDB Local says 400 to a bare GET) means it listens.
	while ((SECONDS < deadline)); do
		kill -0 "$pid" 2>/dev/null || die "DynamoDB Local exited; see $DIR/log"
		if curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$port/"; then
			return
		fi
		sleep 0.2
	done
	kill "$pid" 2>/dev/null || true
	die "DynamoDB Local did not answer on port $port within ${WAIT_SECONDS}s; see $DIR/log"
}

start() {
	if running; then
		log "already running (pid $(cat "$DIR/pid"), port $(cat "$DIR/port"))"
		echo "export AWS_ENDPOINT_URL_DYNAMODB=http://127.0.0.1:$(cat "$DIR/port")"
		return
	fi
	install
	command -v curl >/dev/null || die "curl is needed to wait for DynamoDB Local"
	local port pid
	port="$(free_port)"
	log "starting on port $port"
	(cd "$EMULATOR" && exec java -Djava.library.path=./DynamoDBLocal_lib -jar DynamoDBLocal.jar \
		-inMemory -port "$port" -disableTelemetry >"$DIR/log" 2>&1) &
	pid=$!
	echo "$pid" >"$DIR/pid"
	echo "$port" >"$DIR/port"
	wait_ready "$port" "$pid"
	log "ready (pid $pid)"
	echo "export AWS_ENDPOINT_URL_DYNAMODB=http://127.0.0.1:$port"
}

stop() {
	if [[ ! -f "$DIR/pid" ]]; then
		log "not running"
		return
	fi
	local pid
	pid="$(cat "$DIR/pid")"
	if kill -0 "$pid" 2>/dev/null; then
		kill "$pid"
		for _ in $(seq 1 50); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
		log "stopped (pid $pid)"
	fi
	rm -f "$DIR/pid" "$DIR/port"
}

run() {
	[[ $# -gt 0 ]] || die "usage: $0 run -- CMD..."
	if running; then
		log "reusing the running instance; it is left running"
	else
		start >/dev/null
		trap stop EXIT
		trap 'exit 130' INT TERM
	fi
	local code=0
	AWS_ENDPOINT_URL_DYNAMODB="http://127.0.0.1:$(cat "$DIR/port")" \
		AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local AWS_REGION=us-east-1 \
		STEPFOLD_REQUIRE_DYNAMODB=1 "$@" || code=$?
	return "$code"
}

main() {
	local cmd=${1:-}
	shift || true
	case "$cmd" in
	start) start ;;
	stop) stop ;;
	run)
		[[ ${1:-} == "--" ]] && shift
		run "$@"
		;;
	*) die "usage: $0 start | stop | run -- CMD..." ;;
	esac
}

main "$@"
