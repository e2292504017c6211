"""Running the server as several daphne processes behind nginx (docs/deployment.md)."""
