"""An account's messages, calls and recordings at Twilio, without the library's resource classes.

`client.messages.create` builds `client.api.v2010.account`, which imports the classes of every
resource of an account (about a hundred modules, some 7 MB in every worker) to send one text. A
`Version` of the library reaches the same URLs with the same client; `TwilioRestException` and
the rest of the library's failures stay as they were, so `carrier_errors` reads them unchanged.
"""

from __future__ import annotations

from typing import Any

from twilio.base.domain import Domain
from twilio.base.version import Version
from twilio.rest import Client

from warmline.config import DEFAULT_TWILIO_API_BASE_URL

API_VERSION = "2010-04-01"
_FORM = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"}


class AccountResources:
    """Creates and deletes one account's resources (`Messages`, `Calls`, `Recordings`)."""

    def __init__(self, client: Client) -> None:
        self._version = Version(Domain(client, DEFAULT_TWILIO_API_BASE_URL), API_VERSION)
        self._account = f"/Accounts/{client.account_sid}"

    def create(self, resource: str, fields: dict[str, Any]) -> str:
        """Create a resource from its form fields (None left out); return its sid."""
        form = {name: value for name, value in fields.items() if value is not None}
        payload = self._version.create(
            "POST", f"{self._account}/{resource}.json", data=form, headers=dict(_FORM)
        )
        return str(payload["sid"])

    def delete(self, resource: str, sid: str) -> None:
        """Delete one resource by sid; Twilio's 404 raises, as the library's own delete does."""
        self._version.delete("DELETE", f"{self._account}/{resource}/{sid}.json", headers={})
