"""Editing the workspace configuration from Slack (``config_source: database``): who may, the edits, their record."""
