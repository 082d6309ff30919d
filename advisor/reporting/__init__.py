"""Reporting: how results are shown (terminal now; HTML, Markdown and JSON reports later)."""
