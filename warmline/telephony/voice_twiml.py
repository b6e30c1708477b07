"""TwiML for calls, built from the services' plans; every callback URL is under PUBLIC_URL."""

from __future__ import annotations

from twilio.twiml.voice_response import Dial as DialVerb
from twilio.twiml.voice_response import Gather, VoiceResponse

from warmline.telephony.voice_urls import (
    ACCEPT,
    CALLBACK_CONNECT,
    CALLBACK_DIALED,
    CALLBACK_LISTEN,
    DIALED,
    LANGUAGE,
    RECORDED,
    RECORDING,
    SCREEN,
    url,
)
from warmline.voice.plans import (
    Bridge,
    CallBack,
    CallbackGate,
    ChooseLanguage,
    Dial,
    Forward,
    Goodbye,
    Plan,
    PlayMessage,
    RecordMessage,
    Screen,
    Speech,
)
from warmline.voice.rules.languages import CHOICE_TIMEOUT_S

GATHER_TIMEOUT_S = 8


def twiml(plan: Plan, base: str) -> VoiceResponse:
    """The TwiML document for `plan`, with callback URLs under `base` (PUBLIC_URL)."""
    response = VoiceResponse()
    if isinstance(plan, ChooseLanguage):
        # No key within the timeout posts the action too (empty Digits): the line's default.
        gather = Gather(
            num_digits=1,
            action=url(base, LANGUAGE, call=plan.call_id),
            method="POST",
            timeout=CHOICE_TIMEOUT_S,
            action_on_empty_result=True,
        )
        for text, speech in plan.choices:
            gather.say(text, **_voice(speech))
        response.append(gather)
    elif isinstance(plan, Dial):
        _say(response, plan.words, plan.speech)
        dial = _dial(
            plan.caller_id, plan.timeout_s, url(base, DIALED, call=plan.call_id, step=plan.step)
        )
        for leg in plan.legs:
            dial.number(
                leg.number, url=url(base, SCREEN, call=plan.call_id, leg=leg.leg_id), method="POST"
            )
        response.append(dial)
    elif isinstance(plan, Forward):
        _say(response, plan.words, plan.speech)
        dial = _dial(
            plan.caller_id, plan.timeout_s, url(base, DIALED, call=plan.call_id, step=plan.step)
        )
        dial.number(plan.number)
        response.append(dial)
    elif isinstance(plan, RecordMessage):
        _say(response, plan.words, plan.speech)
        response.record(
            action=url(base, RECORDED, call=plan.call_id),
            method="POST",
            max_length=plan.max_length_s,
            play_beep=True,
            timeout=5,
            recording_status_callback=url(base, RECORDING, call=plan.call_id),
            recording_status_callback_method="POST",
            recording_status_callback_event="completed absent",
        )
        # Reached only when nothing was recorded: Twilio then skips the action.
        _say(response, plan.if_silent, plan.speech)
        response.hangup()
    elif isinstance(plan, Screen):
        action = url(base, ACCEPT, call=plan.call_id, leg=plan.leg_id)
        response.append(_gather(action, plan.words, plan.speech))
        # No key (a voicemail box answered, or a peer who cannot take it): never bridge.
        response.hangup()
    elif isinstance(plan, Bridge):
        pass  # the leg's TwiML ends here, so Twilio connects it to the waiting caller
    elif isinstance(plan, Goodbye):
        _say(response, plan.words, plan.speech)
        response.hangup()
    elif isinstance(plan, CallbackGate):
        action = url(base, CALLBACK_LISTEN, vm=plan.voicemail_id, attempt=plan.attempt)
        response.append(_gather(action, plan.words, plan.speech))
        response.hangup()
    elif isinstance(plan, PlayMessage):
        response.play(plan.recording_url)
        if plan.can_call_back:
            action = url(base, CALLBACK_CONNECT, vm=plan.voicemail_id, attempt=plan.attempt)
            response.append(_gather(action, plan.prompt, plan.speech))
        else:
            _say(response, plan.prompt, plan.speech)
        response.hangup()
    elif isinstance(plan, CallBack):
        action = url(base, CALLBACK_DIALED, vm=plan.voicemail_id, attempt=plan.attempt)
        dial = _dial(plan.caller_id, plan.timeout_s, action)
        dial.number(plan.number)
        response.append(dial)
    return response


def _dial(caller_id: str, timeout_s: int, action: str) -> DialVerb:
    """A <Dial> that always shows the line number and answers the caller only on bridging."""
    return DialVerb(
        caller_id=caller_id,
        answer_on_bridge=True,
        timeout=timeout_s,
        action=action,
        method="POST",
    )


def _gather(action: str, words: tuple[str, ...], speech: Speech) -> Gather:
    """Wait for one key while the words play (twice, for a person still lifting the phone)."""
    gather = Gather(num_digits=1, action=action, method="POST", timeout=GATHER_TIMEOUT_S)
    for text in words:
        gather.say(text, loop=2, **_voice(speech))
    return gather


def _say(response: VoiceResponse, words: tuple[str, ...], speech: Speech) -> None:
    for text in words:
        response.say(text, **_voice(speech))


def _voice(speech: Speech) -> dict[str, str]:
    """The <Say> attributes for the line's speech; an empty voice leaves Twilio's default."""
    attributes = {"language": speech.language}
    if speech.voice:
        attributes["voice"] = speech.voice
    return attributes
