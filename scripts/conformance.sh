#!/usr/bin/env bash
# Runs the RealWorld conformance suites against freshly started Hotpath servers: the latest Bruno
# collection (all folders, @usebruno/cli 4.1.0) and the classic Postman collection (newman 6.2.2).
# Any failed request or assertion fails the script. Two topologies, both by default:
#   single  one instance on the embedded default (embedded PostgreSQL, L1 cache only)
#   two     two instances sharing that PostgreSQL and one Redis (L1 + L2 + pub/sub invalidation),
#           behind a round-robin proxy so consecutive requests alternate between instances
#   TOPOLOGIES="single two" scripts/conformance.sh      REALWORLD=/path/to/realworld overrides ../shared/realworld
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
realworld=${REALWORLD:-$root/../shared/realworld}
topologies=${TOPOLOGIES:-"single two"}
[ -d "$realworld/latest/bruno" ] || { echo "conformance: no RealWorld suites at $realworld" >&2; exit 1; }
mkdir -p "$root/.hotpath"

tools=$root/.hotpath/tools
if [ ! -x "$tools/node_modules/.bin/bru" ] || [ ! -x "$tools/node_modules/.bin/newman" ]; then
  mkdir -p "$tools"
  (cd "$tools" && { [ -f package.json ] || echo '{"name":"hotpath-tools","private":true}' > package.json; } \
     && npm install --no-audit --no-fund --loglevel=error @usebruno/cli@4.1.0 newman@6.2.2)
fi
[ -f server/target/hotpath.jar ] || ./hotpath build

pids=()
tmpdirs=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  for d in "${tmpdirs[@]}"; do rm -rf "$d"; done
}
trap cleanup EXIT

wait_for() { # port log pid
  for _ in $(seq 1 120); do
    curl -fs "http://127.0.0.1:$1/api/tags" >/dev/null 2>&1 && return 0
    kill -0 "$3" 2>/dev/null || { echo "conformance: server exited; log:" >&2; cat "$2" >&2; return 1; }
    sleep 0.5
  done
  echo "conformance: server on $1 did not come up; log:" >&2; cat "$2" >&2; return 1
}

run_suites() { # port label
  local port=$1 label=$2 failed=0
  echo "== Bruno (latest spec), $label, port $port"
  (cd "$realworld/latest/bruno"
   for f in */; do
     f=${f%/}; [ "$f" = environments ] && continue
     echo "-- $f"
     "$tools/node_modules/.bin/bru" run "$f" --env local --env-var "host=http://127.0.0.1:$port" --sandbox safe || exit 1
   done) || failed=1
  echo "== newman (classic collection), $label"
  local u=u$(date +%s)$RANDOM
  "$tools/node_modules/.bin/newman" run "$realworld/classic/Conduit.postman_collection.json" \
    --global-var "APIURL=http://127.0.0.1:$port/api" --global-var "USERNAME=$u" \
    --global-var "EMAIL=$u@mail.com" --global-var "PASSWORD=password" || failed=1
  return $failed
}

redis_binary() { # a redis-server: on PATH, or the one the tests' embedded-redis jar carries
  if command -v redis-server >/dev/null; then command -v redis-server; return; fi
  local jar
  jar=$(ls "$HOME"/.m2/repository/com/github/codemonstur/embedded-redis/*/embedded-redis-*.jar 2>/dev/null | head -1)
  [ -n "$jar" ] || { echo "conformance: no redis-server (apt-get install redis-server, or run ./hotpath test first)" >&2; return 1; }
  unzip -o -q -j "$jar" redis-server-6.2.6-v5-linux-amd64 -d "$root/.hotpath"
  chmod +x "$root/.hotpath/redis-server-6.2.6-v5-linux-amd64"
  echo "$root/.hotpath/redis-server-6.2.6-v5-linux-amd64"
}

status=0
secret=$(head -c 48 /dev/urandom | base64 | tr -d '\n')
# every versioned answer is rebuilt and compared with the bytes its fingerprint kept (500 on a
# difference), so the suites also check that validators cover what they describe
export VERIFY_CACHED_RESPONSES=on
for topology in $topologies; do
  data=$(mktemp -d); tmpdirs+=("$data")
  case $topology in
    single)
      log=$root/.hotpath/conformance-single.log
      PORT=18080 DATA_DIR=$data JWT_SECRET=$secret setsid ./hotpath start > "$log" 2>&1 & pids+=($!)
      wait_for 18080 "$log" $! || exit 1
      run_suites 18080 "one instance" || { status=1; tail -40 "$log" >&2; }
      ;;
    two)
      redis=$(redis_binary)
      "$redis" --port 16379 --save "" --appendonly no > "$root/.hotpath/conformance-redis.log" 2>&1 & pids+=($!)
      loga=$root/.hotpath/conformance-a.log; logb=$root/.hotpath/conformance-b.log
      PORT=18181 DATA_DIR=$data JWT_SECRET=$secret REDIS_URL=redis://127.0.0.1:16379 setsid ./hotpath start > "$loga" 2>&1 & pids+=($!)
      wait_for 18181 "$loga" $! || exit 1
      pgport=$(grep -oP 'embedded PostgreSQL on port \K[0-9]+' "$loga" | head -1)
      PORT=18182 DATABASE_URL=postgresql://postgres@localhost:$pgport/postgres JWT_SECRET=$secret \
        REDIS_URL=redis://127.0.0.1:16379 setsid ./hotpath start > "$logb" 2>&1 & pids+=($!)
      wait_for 18182 "$logb" $! || exit 1
      python3 scripts/rr-proxy.py 18180 18181 18182 & pids+=($!)
      sleep 0.5
      run_suites 18180 "two instances + Redis, round robin" || { status=1; tail -40 "$loga" "$logb" >&2; }
      ;;
    *) echo "conformance: unknown topology $topology" >&2; exit 2 ;;
  esac
done
[ $status -eq 0 ] && echo "conformance: all Bruno folders and the classic collection passed ($topologies)" \
  || echo "conformance: FAILED" >&2
exit $status
