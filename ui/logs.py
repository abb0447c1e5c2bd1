"""The app's logger: records are cleaned of control characters before they reach the log."""

from __future__ import annotations

import logging

from core.text import CleanLogRecords

log = logging.getLogger("airr")
log.addFilter(CleanLogRecords())
