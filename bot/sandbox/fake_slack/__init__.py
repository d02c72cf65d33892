"""A fake Slack (Web API, Socket Mode, file uploads) that tests, the browser sandbox and the benchmarks run the
bot's real ``AsyncWebClient`` against: ``state`` holds the workspace, ``methods`` answer (written against the
state), ``workspace`` joins the two into the ``SlackWorkspace`` everyone holds, ``server`` serves it.

Every call is recorded, answers use Slack's field and error names, faults (rate limits, 5xx, error bodies, revoked
tokens) can be injected per method, and it refuses what Slack refuses: Block Kit that fails Slack's rules
(``block_rules``), a channel the bot was not invited to, a trigger_id used twice or after 3 seconds.
"""
