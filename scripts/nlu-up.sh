#!/usr/bin/env bash
# Start the Rasa NLU server at $RASA_URL in the background and wait until it answers.
# Does nothing if one already answers there (unless it is ours and the model is newer).
set -euo pipefail
cd "$(dirname "$0")/.."
RASA_URL=${RASA_URL:-http://127.0.0.1:5005}
MODEL=nlu/models/lotse-nlu.tar.gz
RUN=.run
mkdir -p "$RUN"
hostport=${RASA_URL#*://}; hostport=${hostport%%/*}
host=${hostport%:*}; port=${hostport##*:}
[ "$host" = "$hostport" ] && port=5005

answers() { curl -sf --max-time 2 "$RASA_URL/status" >/dev/null 2>&1; }

if answers; then
  if [ -f "$RUN/rasa.pid" ] && [ "$MODEL" -nt "$RUN/rasa.pid" ]; then
    echo "Rasa: model changed, restarting"
    kill "$(cat "$RUN/rasa.pid")" 2>/dev/null || true
    for _ in $(seq 1 30); do answers || break; sleep 1; done
  else
    echo "Rasa already answers at $RASA_URL"
    exit 0
  fi
fi
[ -f "$MODEL" ] || { echo "No trained model at $MODEL: run 'make nlu-train'" >&2; exit 1; }
echo "Starting Rasa at $RASA_URL (log: $RUN/rasa.log)"
(
  cd nlu
  PYTHONPATH=. nohup .venv/bin/rasa run --enable-api -m "models/lotse-nlu.tar.gz" \
    -i "$host" -p "$port" >"../$RUN/rasa.log" 2>&1 &
  echo $! >"../$RUN/rasa.pid"
)
for i in $(seq 1 180); do
  if answers; then
    # The first parse loads the encoder; do it now rather than on a user's first message.
    curl -sf --max-time 30 "$RASA_URL/model/parse" -d '{"text":"hallo"}' >/dev/null || true
    echo "Rasa is up after ${i}s"
    exit 0
  fi
  if ! kill -0 "$(cat "$RUN/rasa.pid")" 2>/dev/null; then
    echo "Rasa exited; last lines of $RUN/rasa.log:" >&2; tail -n 20 "$RUN/rasa.log" >&2; exit 1
  fi
  sleep 1
done
echo "Rasa did not answer within 180 s; see $RUN/rasa.log" >&2
exit 1
