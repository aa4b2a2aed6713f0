#!/usr/bin/env bash
# asl-validate.sh checks every statemachines/*.asl.json against the Amazon
# States Language schema with asl-validator 4.0.0 (offline). It uses the
# copy pinned in .tools/package.json when it is installed, and the
# pinned npx form otherwise. It exits non-zero if any definition is invalid.
#
# asl-validator's schema accepts BackoffRate < 1 and an unknown
# JitterStrategy; statemachines/asl rejects those when it parses a
# definition, and the pipeline tests parse every definition they run.
#
# Usage: scripts/asl-validate.sh [FILE...]   (default: statemachines/*.asl.json)
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ -x .tools/node_modules/.bin/asl-validator ]]; then
	validator=(.tools/node_modules/.bin/asl-validator)
else
	validator=(npx --yes asl-validator@4.0.0)
fi

files=("$@")
if [[ ${#files[@]} -eq 0 ]]; then
	shopt -s nullglob
	files=(statemachines/*.asl.json)
	shopt -u nullglob
fi
if [[ ${#files[@]} -eq 0 ]]; then
	echo "asl-validate: no statemachines/*.asl.json to check" >&2
	exit 1
fi

status=0
for f in "${files[@]}"; do
	"${validator[@]}" --json-path "$f" || status=1
done
exit "$status"
