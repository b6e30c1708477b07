"""Signing in and coordinator accounts: sessions, attempt limits, the coordinators page."""
