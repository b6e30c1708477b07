"""Deleting Twilio's stored copies of messages and calls (bodies and numbers) through the REST API."""

from __future__ import annotations

from typing import TYPE_CHECKING

from warmline.core.ports import CarrierRecords, Transport
from warmline.telephony.errors import carrier_errors
from warmline.telephony.sender import TwilioTransport

if TYPE_CHECKING:
    from warmline.telephony.rest import AccountResources


class TwilioRecords:
    """Message and call deletion at Twilio (or wherever TWILIO_API_BASE_URL points)."""

    def __init__(self, resources: AccountResources) -> None:
        self.resources = resources

    def delete_message(self, message_sid: str) -> None:
        """Delete the message; Twilio's 404 means it is already gone."""
        with carrier_errors(gone_is_done=True):
            self.resources.delete("Messages", message_sid)

    def delete_call(self, call_sid: str) -> None:
        """Delete the call's record; Twilio's 404 means it is already gone."""
        with carrier_errors(gone_is_done=True):
            self.resources.delete("Calls", call_sid)


class NoRecords:
    """Development: the console keeps no copies, so there is nothing to delete."""

    def delete_message(self, message_sid: str) -> None:
        """Nothing to do."""

    def delete_call(self, call_sid: str) -> None:
        """Nothing to do."""


def records_for(transport: Transport) -> CarrierRecords:
    """The records edge matching the text transport."""
    if isinstance(transport, TwilioTransport):
        return TwilioRecords(transport.resources)
    return NoRecords()
