"""What sending a text needs from the outside world, whoever carries it."""

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
