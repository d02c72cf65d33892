"""The outbox: Slack calls queued with the change that caused them, and the sender that delivers them."""
