"""Shared code of the Participatiezekerheid book: survey loading, weighting, estimates and charts."""
