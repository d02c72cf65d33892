"""What people see in Slack: Block Kit builders, replies, App Home, ids, text helpers, the catalogue."""
