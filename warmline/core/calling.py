"""What voice needs from the carrier beyond texts: placing a call-back, deleting a recording."""

from __future__ import annotations

from typing import Protocol


class VoiceCarrier(Protocol):
    """Places masked call-backs and deletes recordings; raises SendError when it cannot."""

    def call_back(
        self, *, to_number: str, from_number: str, voicemail_id: int, attempt: int, timeout_s: int
    ) -> str:
        """Call a volunteer from the line number about a voicemail; returns the call's id."""

    def delete_recording(self, recording_sid: str) -> None:
        """Delete a recording at the carrier; one already gone counts as deleted."""
