#!/usr/bin/env bash
# A real Hotpath cluster on loopback, from Debian's packages: PostgreSQL primary + one streaming
# replica (initdb, pg_basebackup, a second port), Redis, three Hotpath instances, nginx in front.
#
#   scripts/cluster.sh up [--lb nginx|haproxy] [--shards N]
#                                       start everything (installs postgresql/nginx/redis-server, and
#                                       haproxy/socat for --lb haproxy, with apt-get when missing and
#                                       we are root); prints the URLs. The balancer (default nginx,
#                                       or CLUSTER_LB) is remembered for the other commands.
#                                       --shards N (or CLUSTER_SHARDS): the content lives on N more
#                                       PostgreSQL servers behind the primary (docs/sharding.md)
#   scripts/cluster.sh down             stop everything and delete the cluster's folder
#   scripts/cluster.sh status           what runs where
#   scripts/cluster.sh rolling-restart  restart the instances one at a time, each drained first
# Fault injection (the fault suite uses these):
#   stop-instance N | kill-instance N | start-instance N      N = 1..3 (stop = SIGTERM, graceful)
#   stop-redis | start-redis | stop-primary | start-primary | stop-replica | start-replica
#   replica-delay MS                    recovery_min_apply_delay on the replica (0 to clear)
#   stop-shard I | start-shard I        I = 1..N, with --shards N
#   add-shard                           one more shard, given its share of the partitions under load
#
# Ports (override with the variables): nginx CLUSTER_PORT=18090, instances 18091..18093,
# primary 25432, replica 25433, shards 25443.., Redis 26379. State lives in CLUSTER_DIR=/tmp/hotpath-cluster.
# NGINX_CONF picks nginx's balancing policy: round-robin (default), least-conn or ip-hash.
# HAProxy uses deploy/haproxy/hotpath.cfg (round robin, active checks on /health/ready).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
dir=${CLUSTER_DIR:-/tmp/hotpath-cluster}
port=${CLUSTER_PORT:-18090}
pg_primary=${CLUSTER_PG_PORT:-25432}
pg_replica=$((pg_primary + 1))
redis_port=${CLUSTER_REDIS_PORT:-26379}
policy=${NGINX_CONF:-round-robin}
instances=(1 2 3)
inst_port() { echo $((port + $1)); }

log() { echo "cluster: $*" >&2; }
die() { log "$*"; exit 1; }

pg_bin() {
  local d
  for d in /usr/lib/postgresql/*/bin; do [ -x "$d/pg_basebackup" ] && { echo "$d"; return; }; done
  return 1
}

as_pg() { # run a PostgreSQL tool as the postgres user (it refuses to run as root)
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

lb() { cat "$dir/lb" 2>/dev/null || echo "${CLUSTER_LB:-nginx}"; }
shards() { cat "$dir/shards" 2>/dev/null || echo "${CLUSTER_SHARDS:-0}"; }
shard_port() { echo $((pg_primary + 10 + $1)); }
shard_urls() {
  local i urls=""
  for i in $(seq 1 "$(shards)"); do urls="$urls${urls:+,}postgresql://postgres@127.0.0.1:$(shard_port "$i")/hotpath"; done
  echo "$urls"
}

install_missing() {
  local need=()
  pg_bin >/dev/null || need+=(postgresql)
  command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || need+=(nginx)
  if [ "$(lb)" = haproxy ]; then
    command -v haproxy >/dev/null || [ -x /usr/sbin/haproxy ] || need+=(haproxy)
    command -v socat >/dev/null || need+=(socat)
  fi
  command -v redis-server >/dev/null || need+=(redis-server)
  [ ${#need[@]} -eq 0 ] && return
  [ "$(id -u)" = 0 ] || die "missing ${need[*]}: install them (apt-get install ${need[*]})"
  log "installing ${need[*]}"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  # Debian starts the packaged services where it can; the cluster runs its own
  service nginx stop >/dev/null 2>&1 || true
  service haproxy stop >/dev/null 2>&1 || true
  service redis-server stop >/dev/null 2>&1 || true
  service postgresql stop >/dev/null 2>&1 || true
}

nginx_bin() { command -v nginx || echo /usr/sbin/nginx; }

wait_until() { # seconds description command...
  local secs=$1 what=$2; shift 2
  for _ in $(seq 1 $((secs * 10))); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done
  die "$what did not come up within ${secs}s"
}

pg_ready() { "$(pg_bin)/pg_isready" -q -h 127.0.0.1 -p "$1"; }

start_primary() {
  as_pg "$(pg_bin)/pg_ctl" -D "$dir/pg-primary" -l "$dir/pg-primary.log" -w -t 30 start </dev/null >/dev/null 2>&1
}
start_replica() {
  as_pg "$(pg_bin)/pg_ctl" -D "$dir/pg-replica" -l "$dir/pg-replica.log" -w -t 30 start </dev/null >/dev/null 2>&1
}
stop_pg() { # folder [mode]
  [ -f "$dir/$1/postmaster.pid" ] || return 0
  as_pg "$(pg_bin)/pg_ctl" -D "$dir/$1" -m "${2:-fast}" -w -t 30 stop >/dev/null 2>&1 || true
}

init_postgres() {
  local bin; bin=$(pg_bin) || die "no PostgreSQL server binaries (apt-get install postgresql)"
  mkdir -p "$dir"; chmod 755 "$dir"
  [ "$(id -u)" = 0 ] && chown postgres "$dir"
  as_pg "$bin/initdb" -D "$dir/pg-primary" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  cat >> "$dir/pg-primary/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $pg_primary
unix_socket_directories = '$dir'
wal_level = replica
max_wal_senders = 5
wal_keep_size = '256MB'
hot_standby = on
hot_standby_feedback = on
max_connections = 200
shared_buffers = '256MB'
synchronous_commit = on
shared_preload_libraries = 'pg_stat_statements'
EOF
  echo "host replication all 127.0.0.1/32 trust" >> "$dir/pg-primary/pg_hba.conf"
  start_primary
  as_pg "$bin/psql" -q -h 127.0.0.1 -p "$pg_primary" -U postgres -c "create database hotpath" >/dev/null
  as_pg "$bin/pg_basebackup" -h 127.0.0.1 -p "$pg_primary" -U postgres -D "$dir/pg-replica" -R -X stream -c fast
  sed -i "s/^port = .*/port = $pg_replica/" "$dir/pg-replica/postgresql.conf"
  start_replica
}

start_shard() { # i
  as_pg "$(pg_bin)/pg_ctl" -D "$dir/pg-shard-$1" -l "$dir/pg-shard-$1.log" -w -t 30 start </dev/null >/dev/null 2>&1
}

init_shard() { # i; wal_level=logical: a partition moves to an added shard by logical replication
  local bin i=$1; bin=$(pg_bin)
  as_pg "$bin/initdb" -D "$dir/pg-shard-$i" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  cat >> "$dir/pg-shard-$i/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $(shard_port "$i")
unix_socket_directories = '$dir'
max_connections = 200
shared_buffers = '128MB'
shared_preload_libraries = 'pg_stat_statements'
wal_level = logical
EOF
  start_shard "$i"
  as_pg "$bin/psql" -q -h 127.0.0.1 -p "$(shard_port "$i")" -U postgres -c "create database hotpath" >/dev/null
}

init_shards() {
  local i
  for i in $(seq 1 "$(shards)"); do init_shard "$i"; done
}

# A new shard, given its share of the partitions while the instances keep serving (./hotpath shard
# add; docs/sharding.md "Adding a shard"); instances started afterwards name it in SHARD_URLS.
add_shard() {
  local n; n=$(( $(shards) + 1 ))
  [ "$n" -gt 1 ] || die "add-shard needs a sharded cluster (up --shards N)"
  init_shard "$n"
  java_path
  (cd "$root" && DATABASE_URL="postgresql://postgres@127.0.0.1:$pg_primary/hotpath" \
    SHARD_URLS="$(shard_urls)" DATA_DIR="$dir/shard-tool" \
    java -cp server/target/hotpath.jar io.hotpath.ShardCommand add \
      "postgresql://postgres@127.0.0.1:$(shard_port "$n")/hotpath") || die "adding shard $n failed"
  echo "$n" > "$dir/shards"
}

start_redis() {
  redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --daemonize yes \
    --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" </dev/null >/dev/null 2>&1
  wait_until 10 redis redis-cli -p "$redis_port" ping
}
stop_redis() {
  [ -f "$dir/redis.pid" ] && kill "$(cat "$dir/redis.pid")" 2>/dev/null || true
  for _ in $(seq 1 50); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 || return 0; sleep 0.1; done
}

start_instance() { # n
  local n=$1 p; p=$(inst_port "$1")
  mkdir -p "$dir/instance-$n"
  (cd "$root" && PORT=$p DATA_DIR="$dir/instance-$n" \
    DATABASE_URL="postgresql://postgres@127.0.0.1:$pg_primary/hotpath" \
    DATABASE_REPLICA_URL="postgresql://postgres@127.0.0.1:$pg_replica/hotpath" \
    REDIS_URL="redis://127.0.0.1:$redis_port" JWT_SECRET="$(cat "$dir/jwt-secret")" \
    TRUST_PROXY=true DB_CONNECT_TIMEOUT_MS=${DB_CONNECT_TIMEOUT_MS:-1000} \
    SHUTDOWN_DRAIN_MS=${SHUTDOWN_DRAIN_MS:-1500} EVENT_LOOPS=${EVENT_LOOPS:-1} \
    REPLICA_MAX_LAG_MS=${REPLICA_MAX_LAG_MS:-1000} SHARD_URLS="$(shard_urls)" \
    exec setsid java ${HOTPATH_JAVA_OPTS:--Xmx512m} -jar server/target/hotpath.jar) \
    </dev/null >> "$dir/instance-$n.log" 2>&1 &
  echo $! > "$dir/instance-$n.pid"
  local pid; pid=$(cat "$dir/instance-$n.pid")
  for _ in $(seq 1 600); do
    curl -fs "http://127.0.0.1:$p/health/ready" >/dev/null 2>&1 && return 0
    kill -0 "$pid" 2>/dev/null || { tail -n 30 "$dir/instance-$n.log" >&2; die "instance $n exited while starting"; }
    sleep 0.1
  done
  tail -n 30 "$dir/instance-$n.log" >&2
  die "instance $n did not come up within 60s"
}
stop_instance() { # n signal
  local pidf="$dir/instance-$1.pid" pid
  [ -f "$pidf" ] || return 0
  pid=$(cat "$pidf")
  kill "-${2:-TERM}" "$pid" 2>/dev/null || true
  for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then # graceful shutdown overran 30 s: the port must be freed
    log "instance $1 still running 30 s after SIG${2:-TERM}; killing it (its log: $dir/instance-$1.log)"
    tail -n 20 "$dir/instance-$1.log" >&2 || true
    kill -KILL "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -f "$pidf"
}

nginx_conf() { # [instance to mark down]
  local src="$root/deploy/nginx/hotpath-$policy.conf"
  [ -f "$src" ] || die "no nginx config $src (NGINX_CONF=round-robin|least-conn|ip-hash)"
  {
    echo "worker_processes 1; pid $dir/nginx.pid; error_log $dir/nginx-error.log;"
    echo "events { worker_connections 4096; }"
    echo "http { access_log off; client_body_temp_path $dir/nginx-tmp;"
    echo "       proxy_temp_path $dir/nginx-tmp; client_max_body_size 2m;"
    sed -e "s/127.0.0.1:8081/127.0.0.1:$(inst_port 1)/; s/127.0.0.1:8082/127.0.0.1:$(inst_port 2)/" \
        -e "s/127.0.0.1:8083/127.0.0.1:$(inst_port 3)/; s/listen 8080;/listen 127.0.0.1:$port;/" \
        -e "${1:+s/\(127.0.0.1:$(inst_port "${1:-0}") [^;]*\);/\1 down;/}" "$src"
    echo "}"
  } > "$dir/nginx.conf"
  mkdir -p "$dir/nginx-tmp"
}

haproxy_bin() { command -v haproxy || echo /usr/sbin/haproxy; }

haproxy_conf() {
  {
    sed -e "s/127.0.0.1:8081/127.0.0.1:$(inst_port 1)/; s/127.0.0.1:8082/127.0.0.1:$(inst_port 2)/" \
        -e "s/127.0.0.1:8083/127.0.0.1:$(inst_port 3)/; s/bind :8080/bind 127.0.0.1:$port/" \
        -e "s|^global\$|global\n    stats socket $dir/haproxy.sock mode 600 level admin\n    pidfile $dir/haproxy.pid|" \
        "$root/deploy/haproxy/hotpath.cfg"
  } > "$dir/haproxy.cfg"
}

hap() { echo "$*" | socat stdio "unix-connect:$dir/haproxy.sock"; }

hap_field() { # server field: a column of `show stat` for backend hotpath's server
  hap "show stat" | awk -F, -v s="$1" -v f="$2" '
    NR == 1 { for (i = 1; i <= NF; i++) if ($i == f || $i == "# " f) col = i; next }
    $1 == "hotpath" && $2 == s { print $col }'
}

wait_hap() { # seconds description server field value
  local secs=$1 what=$2
  for _ in $(seq 1 $((secs * 10))); do [ "$(hap_field "$3" "$4")" = "$5" ] && return 0; sleep 0.1; done
  die "$what: haproxy's $3 $4 did not become $5 within ${secs}s"
}

start_lb() {
  if [ "$(lb)" = haproxy ]; then
    haproxy_conf
    "$(haproxy_bin)" -D -f "$dir/haproxy.cfg" </dev/null >>"$dir/haproxy.log" 2>&1
  else
    nginx_conf
    "$(nginx_bin)" -c "$dir/nginx.conf" -p "$dir" </dev/null >>"$dir/nginx-error.log" 2>&1
  fi
}

stop_lb() {
  if [ -f "$dir/haproxy.pid" ]; then kill "$(cat "$dir/haproxy.pid")" 2>/dev/null || true; fi
  if [ -f "$dir/nginx.pid" ]; then "$(nginx_bin)" -c "$dir/nginx.conf" -p "$dir" -s stop 2>/dev/null || true; fi
}

rolling_restart() {
  java_path
  for n in "${instances[@]}"; do
    if [ "$(lb)" = haproxy ]; then
      # drain: no new requests; wait for the ones it has; then restart and put it back once ready
      hap "set server hotpath/i$n state drain" >/dev/null
      wait_hap 30 "draining instance $n" "i$n" scur 0
      stop_instance "$n" TERM; start_instance "$n"
      hap "set server hotpath/i$n state ready" >/dev/null
      wait_hap 30 "instance $n back" "i$n" status UP
    else
      # nginx OSS has no active checks and no runtime API: the instance drains itself (readiness
      # 503, Connection: close), stops accepting, finishes what it has; nginx passes refused
      # connections on to the next instance (nothing was sent, so POSTs too)
      stop_instance "$n" TERM; start_instance "$n"
    fi
    log "instance $n restarted"
  done
}

up() {
  [ -f "$dir/up" ] && die "already up ($dir); scripts/cluster.sh down first"
  rm -f "$dir/lb" # a leftover folder's choice does not count: CLUSTER_LB or --lb does
  install_missing
  [ -f "$root/server/target/hotpath.jar" ] || "$root/hotpath" build
  JAVA_HOME=$("$root/hotpath" java); export PATH="$JAVA_HOME/bin:$PATH"
  local chosen; chosen=$(lb)
  case "$chosen" in nginx|haproxy) ;; *) die "unknown balancer $chosen (nginx|haproxy)" ;; esac
  rm -rf "$dir"; mkdir -p "$dir"
  echo "$chosen" > "$dir/lb"
  case "${CLUSTER_SHARDS:-0}" in ''|*[!0-9]*) die "--shards needs a number, not ${CLUSTER_SHARDS}" ;; esac
  echo "${CLUSTER_SHARDS:-0}" > "$dir/shards"
  head -c 48 /dev/urandom | base64 | tr -d '\n' > "$dir/jwt-secret"
  init_postgres
  init_shards
  start_redis
  for n in "${instances[@]}"; do start_instance "$n"; done
  start_lb
  wait_until 10 "$chosen" curl -fs "http://127.0.0.1:$port/api/tags"
  touch "$dir/up"
  status
}

down() {
  stop_lb
  for n in "${instances[@]}"; do stop_instance "$n" TERM; done
  stop_redis
  if pg_bin >/dev/null; then
    stop_pg pg-replica immediate; stop_pg pg-primary fast
    for i in $(seq 1 "$(shards)"); do stop_pg "pg-shard-$i" fast; done
  fi
  rm -rf "$dir"
  log "down"
}

status() {
  if [ "$(lb)" = haproxy ]; then
    echo "haproxy   http://127.0.0.1:$port/api   (round robin, active checks)"
  else
    echo "nginx     http://127.0.0.1:$port/api   ($policy)"
  fi
  for n in "${instances[@]}"; do
    local p; p=$(inst_port "$n")
    echo "instance $n http://127.0.0.1:$p   ready: $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$p/health/ready" || true)"
  done
  echo "primary   postgresql://postgres@127.0.0.1:$pg_primary/hotpath   $(pg_ready "$pg_primary" && echo up || echo down)"
  echo "replica   postgresql://postgres@127.0.0.1:$pg_replica/hotpath   $(pg_ready "$pg_replica" && echo up || echo down)"
  for i in $(seq 1 "$(shards)"); do
    echo "shard $i   postgresql://postgres@127.0.0.1:$(shard_port "$i")/hotpath   $(pg_ready "$(shard_port "$i")" && echo up || echo down)"
  done
  echo "redis     redis://127.0.0.1:$redis_port   $(redis-cli -p "$redis_port" ping 2>/dev/null || echo down)"
}

java_path() { JAVA_HOME=$("$root/hotpath" java); export PATH="$JAVA_HOME/bin:$PATH"; }

cmd=${1:-status}; shift || true
case "$cmd" in
  up)
    while [ $# -gt 0 ]; do
      case "$1" in
        --lb) CLUSTER_LB=${2:?--lb needs nginx or haproxy}; shift 2 ;;
        --shards) CLUSTER_SHARDS=${2:?--shards needs a number}; shift 2 ;;
        *) die "unknown option $1 (--lb nginx|haproxy, --shards N)" ;;
      esac
    done
    up ;;
  down) down ;;
  status) status ;;
  stop-instance) stop_instance "$1" TERM ;;
  kill-instance) stop_instance "$1" KILL ;;
  start-instance) java_path; start_instance "$1" ;;
  rolling-restart) rolling_restart ;;
  stop-redis) stop_redis ;;
  start-redis) start_redis ;;
  stop-primary) stop_pg pg-primary fast ;;
  start-primary) start_primary ;;
  stop-replica) stop_pg pg-replica fast ;;
  start-replica) start_replica ;;
  stop-shard) stop_pg "pg-shard-${1:?shard number}" fast ;;
  start-shard) start_shard "${1:?shard number}" ;;
  add-shard) add_shard ;;
  replica-delay)
    as_pg "$(pg_bin)/psql" -q -h 127.0.0.1 -p "$pg_replica" -U postgres -d hotpath \
      -c "alter system set recovery_min_apply_delay = '${1:?ms}ms'" -c "select pg_reload_conf()" >/dev/null ;;
  *) die "unknown command $cmd (up|down|status|rolling-restart|stop-instance N|kill-instance N|start-instance N|stop-redis|start-redis|stop-primary|start-primary|stop-replica|start-replica|replica-delay MS|stop-shard I|start-shard I|add-shard)" ;;
esac
