"""Loaders: read the CSVs analysts have, validate every row, store them in one transaction.

Each loader raises ``LoadError`` carrying every problem found (file, row, column, value,
reason); the CLI and the upload page only present it.
"""

from loaders.errors import LoadError, Problem
from loaders.registry import KINDS, load_file
from loaders.summary import LoadSummary

__all__ = ["KINDS", "LoadError", "LoadSummary", "Problem", "load_file"]
