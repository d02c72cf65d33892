"""Customers: the lifecycle stage and the account manager every department's work hangs on."""
