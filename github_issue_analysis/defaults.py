"""Defaults users see in options and docs, in one light module (the CLI imports it at start-up)."""

APP_NAME = "gh-analysis"  # the per-user data and cache folders are named after it
MODEL = "openai:gpt-4o-mini"
LABEL_PREFIX = "product::"
BATCH_SIZE = 30  # keeps small accounts under their enqueued-token limit
CONCURRENCY = 32  # provider requests in flight at once
LIVE_CONCURRENCY = 4  # live API requests in flight at once (`process`)
