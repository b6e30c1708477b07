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

    def rotate(self, token: bytes) -> bytes:
        """The same secret, encrypted again under the newest key."""
        try:
            return self._fernet.rotate(bytes(token))
        except InvalidToken:
            raise UnreadableSecret("no configured data key opens this value") from None

    def open(self, token: bytes) -> str:
        """Decrypt a token made by `seal` under any configured key."""
        try:
            return self._fernet.decrypt(bytes(token)).decode()
        except InvalidToken:
            raise UnreadableSecret("no configured data key opens this value") from None


class Keyring:
    """Turns phone numbers into stable, non-reversible keys; older keys still recognise."""

    def __init__(self, hmac_key: bytes, older: tuple[bytes, ...] = ()) -> None:
        self._keys = (hmac_key, *older)

    def key_for(self, e164: str) -> str:
        """The contact key of an E.164 number under the newest key: HMAC-SHA256, hex."""
        return self._digest(self._keys[0], e164)

    def keys_for(self, e164: str) -> list[str]:
        """The number's key under every configured key, newest first (for lookups)."""
        return [self._digest(key, e164) for key in self._keys]

    @staticmethod
    def _digest(key: bytes, e164: str) -> str:
        return hmac.new(key, e164.encode(), hashlib.sha256).hexdigest()
