#!/usr/bin/env bash
# Make sure a Redis answers at $REDIS_URL; start a local redis-server (AOF on) if none does.
set -euo pipefail
cd "$(dirname "$0")/.."
REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/0}
hostport=${REDIS_URL#*://}; hostport=${hostport##*@}; hostport=${hostport%%/*}
host=${hostport%:*}; port=${hostport##*:}
[ "$host" = "$hostport" ] && port=6379
if command -v redis-cli >/dev/null 2>&1 && redis-cli -h "$host" -p "$port" ping >/dev/null 2>&1; then
  echo "Redis already answers at $host:$port"; exit 0
fi
if ! command -v redis-server >/dev/null 2>&1; then
  echo "redis-server is not installed. On Debian/Ubuntu: apt-get install -y redis-server" >&2
  exit 1
fi
case "$host" in 127.*|localhost) ;; *) echo "Redis at $host:$port does not answer (not local: not starting one)" >&2; exit 1;; esac
mkdir -p .run/redis
redis-server --bind 127.0.0.1 --port "$port" --daemonize yes --dir "$PWD/.run/redis" \
  --appendonly yes --pidfile "$PWD/.run/redis.pid" --logfile "$PWD/.run/redis.log" --save ""
for _ in $(seq 1 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && { echo "Redis started on $port"; exit 0; }; sleep 0.1; done
echo "Redis did not start; see .run/redis.log" >&2; exit 1
