"""The baseline for bench/webhook.py: Twilio's webhook answered with no signature, db or queue.

It reads the same form fields the real webhook reads and answers the same empty TwiML
(`<Response />` built by twilio's MessagingResponse), so the difference between the two runs is
what Warmline does per text: the signature check, number parsing, sealing, the insert and the
enqueue. Served exactly like the real app:

    gunicorn --workers 2 --pythonpath bench 'bare_app:create_app()'
"""

from __future__ import annotations

from flask import Flask, Response, request
from twilio.twiml.messaging_response import MessagingResponse


def create_app() -> Flask:
    """A Flask app with only the webhook's route and a health check."""
    app = Flask(__name__)
    app.config.update(MAX_CONTENT_LENGTH=1024 * 1024)

    @app.post("/twilio/sms")
    def incoming_sms() -> Response:
        form = request.form
        _ = (form.get("MessageSid"), form.get("From"), form.get("To"), form.get("Body"))
        return Response(str(MessagingResponse()), mimetype="text/xml")

    @app.get("/healthz")
    def healthz() -> Response:
        return Response("ok", mimetype="text/plain")

    return app
