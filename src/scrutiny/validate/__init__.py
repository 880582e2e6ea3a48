"""Validation: each file's structure, then every value against its Table Schema (each check
defined once, in constraints.py and keys.py), then the named rules a schema cannot say."""

from scrutiny.validate.run import validate_project

__all__ = ["validate_project"]
