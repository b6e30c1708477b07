"""Single-word keywords a texter may send."""

from __future__ import annotations

from enum import Enum

OPT_OUT_WORDS = frozenset(
    {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"}
)
OPT_IN_WORDS = frozenset({"START", "UNSTOP"})


class TexterKeyword(Enum):
    """What a texter's single word asks for."""

    OPT_OUT = "opt_out"
    OPT_IN = "opt_in"
    HELP = "help"
    YES = "yes"
    NO = "no"
    FORGET = "forget"
    NEW = "new"
    NO_MORE = "no_more"


def texter_keyword(body: str) -> TexterKeyword | None:
    """The keyword a texter's message is, if the whole message is one word we act on."""
    word = body.strip().strip(".!").upper()
    if word in OPT_OUT_WORDS:
        return TexterKeyword.OPT_OUT
    if word in OPT_IN_WORDS:
        return TexterKeyword.OPT_IN
    return _SINGLE.get(word)


_SINGLE = {
    "HELP": TexterKeyword.HELP,
    "YES": TexterKeyword.YES,
    "NO": TexterKeyword.NO,
    "FORGET": TexterKeyword.FORGET,
    # A different peer than last time (continuity skipped), and the stop word for check-ins.
    "NEW": TexterKeyword.NEW,
    "NOMORE": TexterKeyword.NO_MORE,
}
