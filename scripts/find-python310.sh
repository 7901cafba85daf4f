#!/usr/bin/env bash
# Print the path of a Python 3.10 interpreter for Rasa's venv (Rasa 3.6 supports 3.8-3.10).
# Order: $PYTHON310, python3.10 on PATH, a pyenv 3.10.x. Fails with what to install.
set -euo pipefail
if [ -n "${PYTHON310:-}" ]; then echo "$PYTHON310"; exit 0; fi
# pyenv first: its python3.10 shim on PATH only works when 3.10 is the active version.
if command -v pyenv >/dev/null 2>&1; then
  version=$(pyenv versions --bare 2>/dev/null | grep -E '^3\.10(\.[0-9]+)?$' | sort -V | tail -n 1 || true)
  if [ -n "$version" ]; then echo "$(pyenv root)/versions/$version/bin/python"; exit 0; fi
fi
if command -v python3.10 >/dev/null 2>&1 && python3.10 -V >/dev/null 2>&1; then
  command -v python3.10; exit 0
fi
cat >&2 <<'MSG'
No Python 3.10 found (Rasa 3.6 needs Python 3.8-3.10 in nlu/.venv).
Install one, then run make again:
  - with pyenv:  pyenv install 3.10.13
  - on Debian/Ubuntu with deadsnakes or a distribution that ships it: apt-get install python3.10 python3.10-venv
or point the Makefile at one:  make PYTHON310=/path/to/python3.10 ...
MSG
exit 1
