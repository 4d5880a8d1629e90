"""rbmigrate: migrate Rapidbyte connectors from protocol v3 to v4."""

__version__ = "0.1.0"
