#!/usr/bin/env bash
# lambda-rie.sh: install the AWS Lambda Runtime Interface Emulator for the
# tests of cmd/lambda, which run the real bootstrap behind it.
#
#   scripts/lambda-rie.sh install   build it into .cache/lambda-rie/ if needed; print its path
#   scripts/lambda-rie.sh path      print where it is installed (whether or not it is)
#
# The emulator is its own Go module, so it is built with `go install` and
# kept out of this repository's go.mod. The tagged v1.23.0 is not served by
# the module proxy here; the pseudo-version below is. A build takes about
# 15 s the first time and nothing after that. Progress goes to stderr.
set -euo pipefail

readonly MODULE="github.com/aws/aws-lambda-runtime-interface-emulator"
readonly VERSION="v0.0.0-20261030222936-bef5c4ba774d"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly ROOT
readonly DIR="$ROOT/.cache/lambda-rie"
readonly BIN="$DIR/aws-lambda-rie"
readonly STAMP="$DIR/version"

log() { printf 'lambda-rie: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

install() {
	if [[ -x "$BIN" && -f "$STAMP" && "$(cat "$STAMP")" == "$VERSION" ]]; then
		echo "$BIN"
		return
	fi
	command -v go >/dev/null || die "go is needed to build the emulator"
	mkdir -p "$DIR"
	log "building $MODULE@$VERSION"
	# GOFLAGS from the caller (for example -mod=vendor) must not reach a
	# module that is not ours; GOWORK=off keeps go.work out of it.
	GOBIN="$DIR" GOFLAGS= GOWORK=off CGO_ENABLED=0 \
		go install "$MODULE/cmd/aws-lambda-rie@$VERSION"
	[[ -x "$BIN" ]] || die "go install did not produce $BIN"
	echo "$VERSION" >"$STAMP"
	log "installed $BIN"
	echo "$BIN"
}

main() {
	case "${1:-}" in
	install) install ;;
	path) echo "$BIN" ;;
	*) die "usage: $0 install | path" ;;
	esac
}

main "$@"
