"""Keys for contacts and encryption of the few secrets we must keep for a while."""

from __future__ import annotations

import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken, MultiFernet


class UnreadableSecret(Exception):
    """A stored secret could not be decrypted with any configured key."""


class Vault:
    """Encrypts with the newest data key; decrypts with any of them."""

    def __init__(self, data_keys: tuple[str, ...]) -> None:
        self._fernet = MultiFernet([Fernet(key) for key in data_keys])

    def seal(self, plaintext: str) -> bytes:
        """Encrypt `plaintext` with the newest key."""
        return self._fernet.encrypt(plaintext.encode())

    def open(self, token: bytes) -> str:
        """Decrypt a token made by `seal` under any configured key."""
        try:
            return self._fernet.decrypt(bytes(token)).decode()
        except InvalidToken:
            raise UnreadableSecret("no configured data key opens this value") from None


class Keyring:
    """Turns phone numbers into stable, non-reversible keys."""

    def __init__(self, hmac_key: bytes) -> None:
        self._hmac_key = hmac_key

    def key_for(self, e164: str) -> str:
        """The contact key of an E.164 number: HMAC-SHA256, hex."""
        return hmac.new(self._hmac_key, e164.encode(), hashlib.sha256).hexdigest()
