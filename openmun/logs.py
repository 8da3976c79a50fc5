"""Structured logs: one JSON object a line, tagged with the request's id, with no personal data.

A request is logged by its method, its path without the query string (which may carry a token or an
address), its status and its duration (openmun.middleware.RequestLogMiddleware); never its body, its
cookies, the visitor's address or the name or e-mail of anyone. ScrubFilter also removes anything that
looks like an e-mail address from every message and traceback, whichever library logged it.
"""

import datetime
import json
import logging
import re
from contextvars import ContextVar

# The id of the request being served, set by RequestLogMiddleware; empty outside a request.
request_id_var: ContextVar[str] = ContextVar("request_id", default="")

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
EMAIL_REPLACEMENT = "[e-mail removed]"
# What RequestLogMiddleware passes in extra=, written as fields of their own.
REQUEST_FIELDS = ("method", "path", "status", "duration_ms")


def scrub(text: str) -> str:
    """Return text with e-mail addresses replaced."""
    return EMAIL.sub(EMAIL_REPLACEMENT, text)


class ScrubFilter(logging.Filter):
    """Replace e-mail addresses in a record's message and traceback; tag the record with the request id."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = scrub(record.getMessage())
        record.args = ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = scrub(record.exc_text)
        # Formatters print exc_text; the exception itself may still hold an address.
        record.exc_info = None
        record.request_id = request_id_var.get()
        return True


class JsonFormatter(logging.Formatter):
    """Format a record as one line of JSON: time, level, logger, message, request id and request fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.datetime.fromtimestamp(record.created, datetime.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = getattr(record, "request_id", "") or request_id_var.get()
        if request_id:
            entry["request_id"] = request_id
        for field in REQUEST_FIELDS:
            if hasattr(record, field):
                entry[field] = getattr(record, field)
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False, default=str)
