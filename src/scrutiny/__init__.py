"""scrutiny: turn a council's scrutiny-committee records into an accessible site and open data."""

__version__ = "0.1.0"
