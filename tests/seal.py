"""The seal key tests keep their projections under (in a real center it is derived from the signing key file)."""

SEAL_KEY = b"kaoping test seal key".ljust(32, b".")
