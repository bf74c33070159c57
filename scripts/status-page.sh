#!/usr/bin/env bash
# Starts Hotpath on the embedded default and checks /status in headless Chromium (playwright-core
# from npm, Debian's chromium). Installs both when missing (apt needs root). Screenshot: target/status-page.png
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
tools=$root/.hotpath/tools
if [ ! -x "${CHROMIUM:-/usr/bin/chromium}" ]; then
  echo "status page: installing Debian's chromium"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) > "$root/.hotpath/apt-chromium.log" 2>&1 \
    || { echo "status page: could not install chromium (see .hotpath/apt-chromium.log)" >&2; exit 1; }
fi
if [ ! -d "$tools/node_modules/playwright-core" ]; then
  mkdir -p "$tools"
  (cd "$tools" && { [ -f package.json ] || echo '{"name":"hotpath-tools","private":true}' > package.json; } \
     && npm install --no-audit --no-fund --loglevel=error playwright-core@1.64.1)
fi
[ -f server/target/hotpath.jar ] || ./hotpath build
data=$(mktemp -d)
log=$root/.hotpath/status-page-server.log
PORT=18090 DATA_DIR=$data RATE_LIMIT=off SHUTDOWN_DRAIN_MS=0 setsid ./hotpath start > "$log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; rm -rf "$data"' EXIT
for _ in $(seq 1 120); do curl -fs http://127.0.0.1:18090/health/ready >/dev/null 2>&1 && break; sleep 0.5; done
mkdir -p target
rc=0
NODE_PATH=$tools/node_modules node scripts/status-page-check.cjs http://127.0.0.1:18090 target/status-page.png || rc=$?
exit $rc
