"""Models of the rooms app: the Room (id, status, version, deadline, seats). Not written yet."""
