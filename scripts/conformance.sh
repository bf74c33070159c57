#!/usr/bin/env bash
# Runs the RealWorld conformance suites against freshly started Hotpath servers: the latest Bruno
# collection (all folders, @usebruno/cli 4.1.0) and the classic Postman collection (newman 6.2.2).
# Any failed request or assertion fails the script. Two topologies, both by default:
#   single  one instance on the embedded default (embedded PostgreSQL, L1 cache only)
#   two     two instances sharing that PostgreSQL and one Redis (L1 + L2 + pub/sub invalidation),
#           behind a round-robin proxy so consecutive requests alternate between instances
#   sharded one instance whose content lives on two shards (Debian's PostgreSQL, initdb'd here)
#           behind its embedded directory (SHARD_URLS, docs/sharding.md)
#   cluster-sharded  `./hotpath cluster up --shards 2`: three instances behind nginx, the primary
#           as directory with its replica, two shards (on ports apart from cluster-test's)
#   TOPOLOGIES="single two" scripts/conformance.sh      REALWORLD=/path/to/realworld overrides ../shared/realworld
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
realworld=${REALWORLD:-$root/../shared/realworld}
topologies=${TOPOLOGIES:-"single two sharded cluster-sharded"}
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
pgdirs=()
pg_bin() {
  local d
  for d in /usr/lib/postgresql/*/bin; do [ -x "$d/initdb" ] && { echo "$d"; return; }; done
  echo "conformance: no PostgreSQL server binaries for the shards (apt-get install postgresql)" >&2
  return 1
}
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cluster_env=(CLUSTER_DIR=/tmp/hotpath-conformance-cluster CLUSTER_PORT=18490 CLUSTER_PG_PORT=35632
             CLUSTER_REDIS_PORT=36579 RATE_LIMIT_PER_SECOND=100000 RATE_LIMIT_AUTH_PER_MINUTE=1000000)
cluster_up=0
cleanup() {
  [ $cluster_up = 1 ] && env "${cluster_env[@]}" scripts/cluster.sh down >/dev/null 2>&1 || true
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  for d in "${pgdirs[@]}"; do as_pg "$(pg_bin)/pg_ctl" -D "$d" -m fast -w stop >/dev/null 2>&1 || true; done
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
    sharded)
      bin=$(pg_bin) || exit 1
      shard_urls=""
      for i in 1 2; do
        pgd=$(mktemp -d); tmpdirs+=("$pgd"); chmod 755 "$pgd"
        [ "$(id -u)" = 0 ] && chown postgres "$pgd"
        as_pg "$bin/initdb" -D "$pgd/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
        as_pg "$bin/pg_ctl" -D "$pgd/data" -o "-p $((18300 + i)) -k $pgd -c listen_addresses=127.0.0.1" \
          -l "$pgd/shard.log" -w -t 30 start >/dev/null || { cat "$pgd/shard.log" >&2; exit 1; }
        pgdirs+=("$pgd/data")
        shard_urls="$shard_urls${shard_urls:+,}postgresql://postgres@127.0.0.1:$((18300 + i))/postgres"
      done
      log=$root/.hotpath/conformance-sharded.log
      PORT=18380 DATA_DIR=$data JWT_SECRET=$secret SHARD_URLS=$shard_urls SHARD_PARTITIONS=4 \
        setsid ./hotpath start > "$log" 2>&1 & pids+=($!)
      wait_for 18380 "$log" $! || exit 1
      grep -q "sharded: directory and 2 shards" "$log" \
        || { echo "conformance: the server did not start sharded; log:" >&2; cat "$log" >&2; exit 1; }
      run_suites 18380 "one instance, content on two shards" || { status=1; tail -40 "$log" >&2; }
      ;;
    cluster-sharded)
      cluster_up=1
      env "${cluster_env[@]}" scripts/cluster.sh up --shards 2 >/dev/null \
        || { echo "conformance: the sharded cluster did not come up" >&2; exit 1; }
      grep -q "sharded: directory and 2 shards" /tmp/hotpath-conformance-cluster/instance-1.log \
        || { echo "conformance: the cluster did not start sharded" >&2; exit 1; }
      run_suites 18490 "cluster up --shards 2 (3 instances behind nginx)" \
        || { status=1; tail -40 /tmp/hotpath-conformance-cluster/instance-*.log >&2; }
      env "${cluster_env[@]}" scripts/cluster.sh down >/dev/null 2>&1 || true
      cluster_up=0
      ;;
    *) echo "conformance: unknown topology $topology" >&2; exit 2 ;;
  esac
done
[ $status -eq 0 ] && echo "conformance: all Bruno folders and the classic collection passed ($topologies)" \
  || echo "conformance: FAILED" >&2
exit $status
