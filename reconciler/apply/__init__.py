"""Executing a plan: the lock, the journal, the staleness check and the applier."""
