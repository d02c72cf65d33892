"""People as Slack knows them: user groups' members and Slack statuses, and who is away because of them."""
