"""Single-word keywords a texter may send."""

from __future__ import annotations

from enum import Enum

from warmline.core.text import fold

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


# A short goodbye: only these words, and at least one that thanks or takes leave.
_LEAVE = (
    "thanks thank thx ty tysm bye byee goodbye goodnight night cheers later gracias adios chao chau"
)
_KIND = (
    "you u so much very a lot again really for everything all it this that appreciate i im am "
    "feel better ok okay good great have take care see ya xx xo love and hasta muchas mil luego "
    "buenas noches cuidate cuidese bien vale de nada todo te lo agradezco"
)
_LEAVE_WORDS = frozenset(_LEAVE.split())
_GOODBYE_WORDS = _LEAVE_WORDS | frozenset(_KIND.split())


def is_goodbye(folded: str) -> bool:
    """Whether a texter's words (folded) are only thanks or a goodbye: "thank you so much, bye!"."""
    words = folded.split()
    return (
        0 < len(words) <= 12
        and all(w in _GOODBYE_WORDS for w in words)
        and any(w in _LEAVE_WORDS for w in words)
    )


def texter_keyword(body: str) -> TexterKeyword | None:
    """The keyword a texter's message is, if the whole message is one word we act on."""
    word = body.strip().strip(".!").upper()
    if word in OPT_OUT_WORDS:
        return TexterKeyword.OPT_OUT
    if word in OPT_IN_WORDS:
        return TexterKeyword.OPT_IN
    # The line's own words are read with or without accents: SÍ and SI, OLVIDAR.
    return _SINGLE.get(word) or _SINGLE.get(fold(word).upper())


_SINGLE = {
    "HELP": TexterKeyword.HELP,
    "YES": TexterKeyword.YES,
    "NO": TexterKeyword.NO,
    "FORGET": TexterKeyword.FORGET,
    # A different peer than last time (continuity skipped), and the stop word for check-ins.
    "NEW": TexterKeyword.NEW,
    "NOMORE": TexterKeyword.NO_MORE,
    # The same in Spanish; Twilio's own opt-out words are the carrier's and stay as they are.
    "AYUDA": TexterKeyword.HELP,
    "SI": TexterKeyword.YES,
    "OLVIDAR": TexterKeyword.FORGET,
    "NUEVO": TexterKeyword.NEW,
}
