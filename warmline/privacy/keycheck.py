"""Refuse to start with data keys that cannot open the data already stored."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from warmline.config import ConfigError
from warmline.core.crypto import UnreadableSecret
from warmline.models import Volunteer

if TYPE_CHECKING:
    from warmline.runtime import Runtime

log = logging.getLogger(__name__)


def check_data_keys(rt: Runtime) -> None:
    """Open one stored secret; a wrong WARMLINE_DATA_KEY stops the process with a clear line."""
    try:
        with rt.db.session() as session:
            sample = session.scalar(select(Volunteer.phone_sealed).limit(1))
    except OperationalError:
        log.warning("database unreachable at start: data keys not checked")
        return
    if sample is None:
        return
    try:
        rt.vault.open(sample)
    except UnreadableSecret:
        raise ConfigError(
            "WARMLINE_DATA_KEY cannot open the stored data: is it the wrong key? "
            "To rotate, list the new key first and the old one after it."
        ) from None
