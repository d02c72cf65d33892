"""Running the bot: assembly, CLI, HTTP server, Slack client, metrics, logs, clock and services wiring."""
