"""Pure rules of the warmline: no Flask, Twilio, SQLAlchemy or Redis; `now` is always given."""
