"""Scheduled work: the ticker and what it runs (reminders, stand-ups, the digest with its chart and hand-off map)."""
