"""The ``cspdash`` command line."""
