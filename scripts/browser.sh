#!/usr/bin/env bash
# The browser checks, each against its own Hotpath on the embedded default, in headless Chromium
# (playwright-core from npm, Debian's chromium; both installed when missing, apt needs root):
#   status page   /status draws its charts under traffic (screenshot: target/status-page.png)
#   browser cache read-your-writes through the browser's HTTP cache, default settings
#   docs          /docs renders the API document and "Try it out" succeeds (target/docs-page.png)
# Usage: scripts/browser.sh [status|cache|docs ...]   (default: all)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
tools=$root/.hotpath/tools
mkdir -p "$root/.hotpath" target
if [ ! -x "${CHROMIUM:-/usr/bin/chromium}" ]; then
  echo "browser: installing Debian's chromium"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) > "$root/.hotpath/apt-chromium.log" 2>&1 \
    || { echo "browser: could not install chromium (see .hotpath/apt-chromium.log)" >&2; exit 1; }
fi
if [ ! -d "$tools/node_modules/playwright-core" ]; then
  mkdir -p "$tools"
  (cd "$tools" && { [ -f package.json ] || echo '{"name":"hotpath-tools","private":true}' > package.json; } \
     && npm install --no-audit --no-fund --loglevel=error playwright-core@1.64.1)
fi
[ -f server/target/hotpath.jar ] || ./hotpath build

server=
data=
stop() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  [ -z "$data" ] || rm -rf "$data"
  server= data=
}
trap stop EXIT

# check NAME SCRIPT [ENV=VALUE...] -- [SCRIPT ARGS...]: a fresh server with ENV, then the script
check() {
  local name=$1 script=$2; shift 2
  local envs=() port=18090
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do envs+=("$1"); shift; done
  [ $# -gt 0 ] && shift
  data=$(mktemp -d)
  env PORT=$port DATA_DIR="$data" SHUTDOWN_DRAIN_MS=0 "${envs[@]}" setsid ./hotpath start \
    > "$root/.hotpath/browser-$name-server.log" 2>&1 &
  server=$!
  for _ in $(seq 1 120); do curl -fs http://127.0.0.1:$port/health/ready >/dev/null 2>&1 && break; sleep 0.5; done
  local rc=0
  NODE_PATH=$tools/node_modules node "scripts/$script" "http://127.0.0.1:$port" "$@" || rc=$?
  stop
  [ $rc = 0 ] || { echo "browser: $name failed (server log: .hotpath/browser-$name-server.log)" >&2; return $rc; }
}

checks=("$@")
[ ${#checks[@]} -gt 0 ] || checks=(status cache docs)
for c in "${checks[@]}"; do
  case $c in
    status) check status status-page-check.cjs RATE_LIMIT=off -- target/status-page.png ;;
    cache) check cache browser-cache-check.cjs ;;
    docs) check docs docs-check.cjs -- target/docs-page.png ;;
    *) echo "browser: unknown check $c (status, cache, docs)" >&2; exit 2 ;;
  esac
done
