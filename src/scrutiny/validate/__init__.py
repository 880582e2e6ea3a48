"""Validation: file structure, then table schemas and keys (frictionless), then named rules."""

from scrutiny.validate.run import validate_project

__all__ = ["validate_project"]
