#!/usr/bin/env bash
# Runs the console's browser test: installs Debian's chromium and
# chromium-driver if they are missing (never a downloaded browser), then runs
# TestConsoleInChromium with STEPFOLD_CHROMIUM set. The screenshot is kept in
# build/console.png for a person to look at.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
	sudo=""
	[ "$(id -u)" -eq 0 ] || sudo="sudo"
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium chromium-driver
fi

mkdir -p build
STEPFOLD_CHROMIUM="$(command -v chromium)" \
STEPFOLD_CHROMEDRIVER="$(command -v chromedriver)" \
STEPFOLD_SCREENSHOT="$PWD/build/console.png" \
	go test -count=1 -run 'TestConsoleInChromium' -v ./cmd/stepfold
echo "screenshot: build/console.png"
