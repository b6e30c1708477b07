"""What a caller hears, in the language chosen for the call."""

from __future__ import annotations

from warmline.models import Line
from warmline.voice.calls import speak


def line(crisis: str = "call or text 988, or call 911") -> Line:
    return Line(
        name="Peer Line", crisis_numbers=crisis, hours_text="Peers answer when they are on shift."
    )


def test_a_spanish_call_hears_spanish_with_the_default_crisis_numbers_in_spanish() -> None:
    assert speak(line(), "voice_greeting", "es") == (
        "Hola, somos Peer Line, apoyo de personas que lo han vivido. No somos una línea de "
        "crisis: si estás en peligro, llama o escribe al 988, o llama al 911. "
        "Ya estamos buscando a alguien para ti."
    )
    assert "Respondemos cuando hay alguien de turno." in speak(line(), "voice_no_one", "es")


def test_a_lines_own_crisis_numbers_are_said_as_the_line_wrote_them() -> None:
    own = line("call 211 or 988")
    assert "Si estás en peligro, call 211 or 988." in speak(own, "voice_voicemail", "es")
    assert speak(own, "voice_thanks") == "Thank you for calling Peer Line. Take care."
