#!/usr/bin/env bash
# Runs the RealWorld conformance suites against a freshly started Hotpath on the embedded default:
# the latest Bruno collection (all folders, @usebruno/cli 4.1.0) and the classic Postman collection
# (newman 6.2.2). Any failed request or assertion fails the script.
#   scripts/conformance.sh            uses ../shared/realworld next to this checkout
#   REALWORLD=/path/to/realworld scripts/conformance.sh
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
realworld=${REALWORLD:-$root/../shared/realworld}
[ -d "$realworld/latest/bruno" ] || { echo "conformance: no RealWorld suites at $realworld" >&2; exit 1; }

tools=$root/.hotpath/tools
if [ ! -x "$tools/node_modules/.bin/bru" ] || [ ! -x "$tools/node_modules/.bin/newman" ]; then
  mkdir -p "$tools"
  (cd "$tools" && [ -f package.json ] || echo '{"name":"hotpath-tools","private":true}' > package.json
   cd "$tools" && npm install --no-audit --no-fund --loglevel=error @usebruno/cli@4.1.0 newman@6.2.2)
fi

port=${CONFORMANCE_PORT:-18080}
data=$(mktemp -d)
log=$root/.hotpath/conformance-server.log
mkdir -p "$root/.hotpath"
[ -f target/hotpath.jar ] || ./hotpath build
PORT=$port DATA_DIR=$data HOTPATH_LOG_LEVEL=INFO ./hotpath start > "$log" 2>&1 &
server=$!
cleanup() { kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$data"; }
trap cleanup EXIT

for i in $(seq 1 120); do
  curl -fs "http://127.0.0.1:$port/api/tags" >/dev/null 2>&1 && break
  kill -0 "$server" 2>/dev/null || { echo "conformance: server exited; log:" >&2; cat "$log" >&2; exit 1; }
  sleep 0.5
done
curl -fs "http://127.0.0.1:$port/api/tags" >/dev/null || { echo "conformance: server did not come up; log:" >&2; cat "$log" >&2; exit 1; }

echo "== Bruno (latest spec) against port $port"
bruno_failed=0
(cd "$realworld/latest/bruno"
 for f in */; do
   f=${f%/}; [ "$f" = environments ] && continue
   echo "-- $f"
   "$tools/node_modules/.bin/bru" run "$f" --env local --env-var "host=http://127.0.0.1:$port" --sandbox safe || exit 1
 done) || bruno_failed=1

echo "== newman (classic collection)"
u=u$(date +%s)$RANDOM
newman_failed=0
"$tools/node_modules/.bin/newman" run "$realworld/classic/Conduit.postman_collection.json" \
  --global-var "APIURL=http://127.0.0.1:$port/api" --global-var "USERNAME=$u" \
  --global-var "EMAIL=$u@mail.com" --global-var "PASSWORD=password" || newman_failed=1

if [ $bruno_failed -ne 0 ] || [ $newman_failed -ne 0 ]; then
  echo "conformance: FAILED (bruno=$bruno_failed newman=$newman_failed); server log: $log" >&2
  tail -50 "$log" >&2
  exit 1
fi
echo "conformance: all Bruno folders and the classic collection passed"
