"""Thin command-line wrappers over index/ and search/."""
