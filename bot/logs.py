"""Structured logs to stderr. Never log message text or Telegram ids: only pseudonyms and facts."""

from __future__ import annotations

import logging
import sys

import structlog


def configure(level: str) -> None:
    numeric = logging.getLevelName(level)
    logging.basicConfig(stream=sys.stderr, level=numeric, format="%(message)s")
    # httpx logs every request URL, which contains the bot token: keep it quiet.
    for noisy in ("httpx", "httpcore", "telegram", "apscheduler"):
        logging.getLogger(noisy).setLevel(max(numeric, logging.WARNING))
    structlog.configure(
        processors=[
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.JSONRenderer(ensure_ascii=False),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(numeric),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
        cache_logger_on_first_use=True,
    )
