"""Calls and recordings through Twilio's REST API, with the same client that sends the texts."""

from __future__ import annotations

import secrets
import sys
from typing import TYPE_CHECKING, TextIO

from warmline.core.ports import Transport, VoiceCarrier
from warmline.telephony.errors import carrier_errors
from warmline.telephony.sender import TwilioTransport
from warmline.telephony.voice_urls import CALLBACK, CALLBACK_STATUS, url

if TYPE_CHECKING:
    from warmline.telephony.rest import AccountResources


class TwilioVoiceCarrier:
    """Places call-backs and deletes recordings at Twilio (or wherever TWILIO_API_BASE_URL says)."""

    def __init__(self, resources: AccountResources, public_url: str) -> None:
        self.resources = resources
        self.public_url = public_url

    def call_back(
        self, *, to_number: str, from_number: str, voicemail_id: int, attempt: int, timeout_s: int
    ) -> str:
        """Call the volunteer from the line number; their answer fetches our call-back TwiML."""
        with carrier_errors():
            return self.resources.create(
                "Calls",
                {
                    "To": to_number,
                    "From": from_number,
                    "Url": url(self.public_url, CALLBACK, vm=voicemail_id, attempt=attempt),
                    "Method": "POST",
                    "StatusCallback": url(
                        self.public_url, CALLBACK_STATUS, vm=voicemail_id, attempt=attempt
                    ),
                    "StatusCallbackMethod": "POST",
                    "Timeout": timeout_s,
                },
            )

    def delete_recording(self, recording_sid: str) -> None:
        """Delete the recording; Twilio's 404 means it is already gone."""
        with carrier_errors(gone_is_done=True):
            self.resources.delete("Recordings", recording_sid)


class ConsoleVoiceCarrier:
    """Development only: there is no telephone, so say what would have happened."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stdout

    def call_back(
        self, *, to_number: str, from_number: str, voicemail_id: int, attempt: int, timeout_s: int
    ) -> str:
        """Write that a call-back would ring the volunteer now."""
        self.stream.write(f"  ☎ call-back for voicemail {voicemail_id} (no calls in development)\n")
        return "CA" + secrets.token_hex(16)

    def delete_recording(self, recording_sid: str) -> None:
        """Nothing is recorded in development."""


def carrier_for(transport: Transport, public_url: str) -> VoiceCarrier:
    """The voice carrier matching the text transport: Twilio's client, or the console."""
    if isinstance(transport, TwilioTransport):
        return TwilioVoiceCarrier(transport.resources, public_url)
    return ConsoleVoiceCarrier()
