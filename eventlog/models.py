"""Models of the eventlog app: the append-only Event of every room. Not written yet."""
