"""Admin registrations of the rooms app (none yet)."""
