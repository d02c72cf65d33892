"""The outbox: Slack calls queued with the change that caused them, and the sender that delivers them.

Everything outside this package uses :mod:`bot.outbox.interface` (and :mod:`bot.outbox.writer`, the base of the
services that queue); only the app assembly builds and runs the sender.
"""
