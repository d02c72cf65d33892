"""Configuration: settings from the environment and the workspace file (departments, owners, SLAs)."""
