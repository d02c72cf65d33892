"""The local Slack sandbox: a fake Slack Web API and workspace for tests, the browser sandbox and benchmarks."""
