"""The line's resource library and topic list, kept from the dashboard."""
