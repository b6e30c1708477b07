"""E-mail for coordinators: alerts, voicemail notices and coverage gaps, sent by SMTP."""
