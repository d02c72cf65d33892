"""Scheduled work: the ticker and what it runs (reminders, stand-ups, the digest and its chart)."""
