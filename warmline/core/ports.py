"""What the platform needs from the outside world, whoever carries it: texts, calls, records."""

from __future__ import annotations

from typing import Protocol


class SendError(Exception):
    """A text could not be handed to the carrier."""

    def __init__(self, error_code: int | None, http_status: int | None) -> None:
        super().__init__(f"send failed: error {error_code}, HTTP {http_status}")
        self.error_code = error_code
        self.http_status = http_status


class Transport(Protocol):
    """Hands one text to a carrier and returns the carrier's id for it."""

    def send(self, *, from_number: str, to_number: str, body: str, label: str) -> str:
        """Send `body`; `label` names the recipient for humans without revealing the number."""


class VoiceCarrier(Protocol):
    """Places masked call-backs and deletes recordings; raises SendError when it cannot."""

    def call_back(
        self, *, to_number: str, from_number: str, voicemail_id: int, attempt: int, timeout_s: int
    ) -> str:
        """Call a volunteer from the line number about a voicemail; returns the call's id."""

    def delete_recording(self, recording_sid: str) -> None:
        """Delete a recording at the carrier; one already gone counts as deleted."""


class CarrierRecords(Protocol):
    """Deletes the carrier's stored records (they hold numbers); raises SendError when it cannot."""

    def delete_message(self, message_sid: str) -> None:
        """Delete a message record at the carrier; one already gone counts as deleted."""

    def delete_call(self, call_sid: str) -> None:
        """Delete a call record at the carrier; one already gone counts as deleted."""
