"""The ticket domain: opening, the workflow verbs, permissions, states, SLA clocks, routing, notices."""
