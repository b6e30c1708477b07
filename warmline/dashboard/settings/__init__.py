"""The settings pages: the line's settings form and its fields, and the line's own texts."""
