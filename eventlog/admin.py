"""Admin registrations of the eventlog app (none yet)."""
