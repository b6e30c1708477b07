"""The paths of Twilio's voice callbacks, and their absolute URLs under PUBLIC_URL.

Apart from the TwiML itself (`voice_twiml`), so that a worker placing a call back needs no
TwiML classes in memory.
"""

from __future__ import annotations

from urllib.parse import urlencode

PREFIX = "/twilio/voice"
LANGUAGE = PREFIX + "/language"
DIALED = PREFIX + "/dialed"
SCREEN = PREFIX + "/screen"
ACCEPT = PREFIX + "/accept"
STATUS = PREFIX + "/status"
RECORDED = PREFIX + "/recorded"
RECORDING = PREFIX + "/recording"
CALLBACK = PREFIX + "/callback"
CALLBACK_LISTEN = PREFIX + "/callback/listen"
CALLBACK_CONNECT = PREFIX + "/callback/connect"
CALLBACK_DIALED = PREFIX + "/callback/dialed"
CALLBACK_STATUS = PREFIX + "/callback/status"


def url(base: str, path: str, **query: int) -> str:
    """An absolute callback URL; its query string carries the state Twilio hands back, signed."""
    return f"{base}{path}?{urlencode(query)}" if query else f"{base}{path}"
