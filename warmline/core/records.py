"""What the retention purge needs from the carrier: deleting its copy of a message or a call."""

from __future__ import annotations

from typing import Protocol


class CarrierRecords(Protocol):
    """Deletes the carrier's stored records (they hold numbers); raises SendError when it cannot."""

    def delete_message(self, message_sid: str) -> None:
        """Delete a message record at the carrier; one already gone counts as deleted."""

    def delete_call(self, call_sid: str) -> None:
        """Delete a call record at the carrier; one already gone counts as deleted."""
