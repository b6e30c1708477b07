"""Calls and recordings through Twilio's REST API, with the same client that sends the texts."""

from __future__ import annotations

import secrets
import sys
from typing import TextIO

from twilio.rest import Client

from warmline.core.calling import VoiceCarrier
from warmline.core.ports import Transport
from warmline.telephony.errors import carrier_errors
from warmline.telephony.sender import TwilioTransport
from warmline.telephony.voice_twiml import CALLBACK, CALLBACK_STATUS, url


class TwilioVoiceCarrier:
    """Places call-backs and deletes recordings at Twilio (or wherever TWILIO_API_BASE_URL says)."""

    def __init__(self, client: Client, public_url: str) -> None:
        self.client = client
        self.public_url = public_url

    def call_back(
        self, *, to_number: str, from_number: str, voicemail_id: int, attempt: int, timeout_s: int
    ) -> str:
        """Call the volunteer from the line number; their answer fetches our call-back TwiML."""
        with carrier_errors():
            call = self.client.calls.create(
                to=to_number,
                from_=from_number,
                url=url(self.public_url, CALLBACK, vm=voicemail_id, attempt=attempt),
                method="POST",
                status_callback=url(
                    self.public_url, CALLBACK_STATUS, vm=voicemail_id, attempt=attempt
                ),
                status_callback_method="POST",
                timeout=timeout_s,
            )
        return str(call.sid)

    def delete_recording(self, recording_sid: str) -> None:
        """Delete the recording; Twilio's 404 means it is already gone."""
        with carrier_errors(gone_is_done=True):
            self.client.recordings(recording_sid).delete()


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
        return TwilioVoiceCarrier(transport.client, public_url)
    return ConsoleVoiceCarrier()
