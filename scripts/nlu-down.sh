#!/usr/bin/env bash
# Stop the Rasa server that nlu-up started.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -f .run/rasa.pid ]; then
  kill "$(cat .run/rasa.pid)" 2>/dev/null && echo "Rasa stopped" || echo "Rasa was not running"
  rm -f .run/rasa.pid
else
  echo "Rasa was not started by nlu-up"
fi
