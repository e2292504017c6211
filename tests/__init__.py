"""Cross-app tests: real servers (integration) and the browser (e2e); shared helpers."""
