"""Crossdesk: the application, its domain services, the scheduler and the local Slack sandbox."""

__version__ = "0.1.0"
