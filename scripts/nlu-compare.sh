#!/usr/bin/env bash
# Train every pipeline in nlu/benchmarks/*.yml plus nlu/config.yml on nlu/data, serve each on a
# spare port and evaluate it on the held-out data (nlu/tests). Prints one summary line each.
# Slow (minutes per pipeline): run it when choosing a pipeline, not in the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${COMPARE_PORT:-5105}
OUT=$(mktemp -d)
configs=("$@"); [ ${#configs[@]} -eq 0 ] && configs=(nlu/benchmarks/*.yml nlu/config.yml)
for config in "${configs[@]}"; do
  name=$(basename "${config%.yml}")
  start=$(date +%s)
  (cd nlu && PYTHONWARNINGS=ignore PYTHONPATH=. .venv/bin/rasa train nlu --config "../$config" \
     --nlu data --out "$OUT" --fixed-model-name "$name" --quiet >"$OUT/$name.train.log" 2>&1)
  trained=$(( $(date +%s) - start ))
  # A fresh port per pipeline: a server still shutting down must never answer for the next one.
  PORT=$((PORT + 1))
  (cd nlu && exec env PYTHONPATH=. .venv/bin/rasa run --enable-api -m "$OUT/$name.tar.gz" \
     -i 127.0.0.1 -p "$PORT" >"$OUT/$name.run.log" 2>&1) &
  server=$!
  for _ in $(seq 1 180); do curl -sf "http://127.0.0.1:$PORT/status" >/dev/null 2>&1 && break; sleep 1; done
  curl -sf "http://127.0.0.1:$PORT/status" | grep -q "\"$name.tar.gz\"" || { echo "== $name: server did not load its model"; continue; }
  RASA_URL="http://127.0.0.1:$PORT" .venv/bin/python -m bot nlu evaluate >"$OUT/$name.eval" 2>&1 || true
  kill "$server" 2>/dev/null || true
  for _ in $(seq 1 30); do kill -0 "$server" 2>/dev/null || break; sleep 1; done
  kill -9 "$server" 2>/dev/null || true
  echo "== $name (training ${trained}s)"
  sed -n '3,8p;10,21p' "$OUT/$name.eval"
done
echo "(details in $OUT)"
