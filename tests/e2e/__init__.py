"""Browser tests (Playwright + Debian Chromium) against a live server."""
