"""The Twilio edge: the only package that imports twilio."""
