"""Browser tests: every page of the example site in Chromium (see browser_harness)."""
