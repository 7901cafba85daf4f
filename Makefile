# Lotse — two commands on a fresh machine:  make demo  |  make test
# Bot: Python >= 3.11 in .venv.  Rasa NLU server: Python 3.10 in nlu/.venv (own process).

SHELL := /bin/bash
.DEFAULT_GOAL := help

-include .env
export

PYTHON ?= python3
PYTHON310 ?= $(shell scripts/find-python310.sh)
RASA_URL ?= http://127.0.0.1:5005
REDIS_URL ?= redis://127.0.0.1:6379/0
VENV := .venv
NLU_VENV := nlu/.venv
MODEL := nlu/models/lotse-nlu.tar.gz
NLU_INPUTS := nlu/config.yml nlu/domain.yml $(wildcard nlu/data/*.yml nlu/data/*/*.yml nlu/components/*.py)
LOCALES := bot/locales

.PHONY: help setup i18n i18n-update nlu-train nlu-up nlu-down nlu-component-test redis-up demo run test content-check nlu-eval crisis-bench clean

help:
	@echo "make demo   - set everything up and chat with the bot (Telegram when TELEGRAM_BOT_TOKEN is set)"
	@echo "make test   - set everything up and run the whole test suite"
	@echo "other targets: setup nlu-train nlu-up nlu-down redis-up run i18n content-check nlu-eval"

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || \
	  { echo "The bot needs Python >= 3.11 (found $$($(PYTHON) -V)); set PYTHON=/path/to/python3.11"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[dev]'
	touch $@

$(NLU_VENV)/.installed: nlu/requirements.txt
	@test -n "$(PYTHON310)" || exit 1
	$(PYTHON310) -m venv $(NLU_VENV)
	$(NLU_VENV)/bin/pip install --quiet --upgrade 'pip<25'
	$(NLU_VENV)/bin/pip install --quiet -r nlu/requirements.txt
	touch $@

# Compile the interface-string catalogs (.po -> .mo).
i18n: $(VENV)/.installed
	$(VENV)/bin/pybabel compile --use-fuzzy -d $(LOCALES) --statistics 2>&1 | grep -v '^compiling' || true

# Re-extract keys from the code and merge them into every catalog (for developers).
i18n-update: $(VENV)/.installed
	$(VENV)/bin/pybabel extract -F babel.cfg -k _ -k s --no-location --omit-header --sort-output -o $(LOCALES)/messages.pot bot
	$(VENV)/bin/pybabel update -i $(LOCALES)/messages.pot -d $(LOCALES) --no-fuzzy-matching -w 99

setup: $(VENV)/.installed $(NLU_VENV)/.installed i18n $(MODEL)

$(MODEL): $(NLU_INPUTS) | $(NLU_VENV)/.installed
	cd nlu && PYTHONWARNINGS=ignore PYTHONPATH=. .venv/bin/rasa train nlu --config config.yml --nlu data \
	  --out models --fixed-model-name lotse-nlu --quiet
	@touch $@

nlu-train: $(MODEL)

nlu-up: $(MODEL)
	RASA_URL=$(RASA_URL) scripts/nlu-up.sh

nlu-down:
	scripts/nlu-down.sh

redis-up:
	REDIS_URL=$(REDIS_URL) scripts/redis-up.sh

demo: setup redis-up nlu-up
	@if [ -n "$(TELEGRAM_BOT_TOKEN)" ]; then $(VENV)/bin/python -m bot run; \
	 else echo "No TELEGRAM_BOT_TOKEN set: console chat (type a question, a button number, Ctrl-D to quit)"; \
	      $(VENV)/bin/python -m bot chat; fi

run: setup redis-up nlu-up
	$(VENV)/bin/python -m bot run

test: setup redis-up nlu-up nlu-component-test
	$(VENV)/bin/python -m pytest

# The custom Rasa components' own tests, inside Rasa's venv.
nlu-component-test: $(NLU_VENV)/.installed
	cd nlu && PYTHONWARNINGS=ignore .venv/bin/python -m pytest -q -c component_tests/pytest.ini component_tests

content-check: $(VENV)/.installed
	$(VENV)/bin/python -m bot content check

nlu-eval: setup nlu-up
	$(VENV)/bin/python -m bot nlu evaluate

crisis-bench: setup nlu-up
	$(VENV)/bin/python -m bot safety benchmark

clean:
	rm -rf .run nlu/models
