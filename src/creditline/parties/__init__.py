"""Parties: persons and enterprises, their identities, consents and emergency contacts."""
