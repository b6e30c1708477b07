"""gunicorn's settings for the web process: `gunicorn -c python:warmline.gunicorn_conf ...`.

gunicorn's own error and access logs go through the same redacting formatter as the app's
(LOG_FORMAT: text, or one JSON object per line), and the access log names each request by its
request id rather than by who sent it.
"""

from __future__ import annotations

from typing import Any

from gunicorn.glogging import Logger  # type: ignore[import-untyped]

# gunicorn reads every module-level name that matches a setting ("config" is one): aliases.
from warmline import config as _config
from warmline.core import logs as _logs


class RedactingLogger(Logger):  # type: ignore[misc]
    """gunicorn's logger, its lines redacted and formatted like the app's."""

    def setup(self, cfg: Any) -> None:
        """gunicorn's handlers, with Warmline's formatter."""
        super().setup(cfg)
        formatter = _logs.formatter_for(_config.log_format())
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                handler.setFormatter(formatter)


logger_class = RedactingLogger
accesslog = "-"
# Method, path (query strings carry only our own ids), status, bytes, milliseconds, request id;
# named fields, so the phone-number redaction never mistakes "200 1534 12" for a number.
access_log_format = "%(m)s %(U)s status=%(s)s bytes=%(B)s ms=%(M)s request_id=%({x-request-id}o)s"
