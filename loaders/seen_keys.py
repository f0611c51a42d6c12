"""The keys a file has given so far, for its duplicate-row check, in 20 bytes a key.

A duplicate row (the same area, month and category twice) must be refused, so every key of a
file is remembered until its last row. Kept as a Python dict of string tuples that cost some
300 bytes a row, and a six-million-row file took well over a gigabyte. Here a key is two
independent 64-bit hashes of its values (so two different keys are never taken for one: the
chance is 2^-128) and the row it first appeared in, held in sorted NumPy arrays that grow by
one merge per chunk.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

# Two different 16-byte keys for pandas' SipHash: two independent hashes of each key.
_HASH_KEYS = ("cspdash-seen-k01", "cspdash-seen-k02")


def key_hashes(frame: pd.DataFrame, key: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Two uint64 hashes of each row's ``key`` values (as text, so 1 and "1" are one key)."""
    values = frame[key].astype(str)
    return tuple(pd.util.hash_pandas_object(values, index=False, hash_key=k).to_numpy(np.uint64) for k in _HASH_KEYS)  # type: ignore[return-value]


class SeenKeys:
    """Keys seen in earlier chunks, sorted by their first hash, with the row each was first in."""

    def __init__(self) -> None:
        self._h1 = np.empty(0, np.uint64)
        self._h2 = np.empty(0, np.uint64)
        self._rows = np.empty(0, np.int32)  # a file within the caps has far fewer than 2^31 rows

    def __len__(self) -> int:
        return len(self._h1)

    @property
    def nbytes(self) -> int:
        return self._h1.nbytes + self._h2.nbytes + self._rows.nbytes

    def first_rows(self, frame: pd.DataFrame, key: list[str]) -> np.ndarray:
        """For each row of ``frame`` (with a ``__row__`` column), the file row its key was
        first given in: its own row the first time, an earlier one for a duplicate. Remembers
        this chunk's new keys."""
        rows = frame["__row__"].to_numpy(np.int64)
        if not len(rows):
            return rows
        h1, h2 = key_hashes(frame, key)
        # Within the chunk: every row points at the first row with its key.
        pairs = pd.DataFrame({"h1": h1, "h2": h2, "row": rows})
        first = pairs.groupby(["h1", "h2"], sort=False)["row"].transform("min").to_numpy(np.int64)
        # Against earlier chunks.
        earlier = self._lookup(h1, h2)
        found = earlier >= 0
        first = np.where(found, earlier, first)
        new = ~found & (first == rows)
        self._add(h1[new], h2[new], rows[new])
        return first

    def _lookup(self, h1: np.ndarray, h2: np.ndarray) -> np.ndarray:
        """The first row of each key held, or -1."""
        out = np.full(len(h1), -1, np.int64)
        if not len(self._h1):
            return out
        pos = np.searchsorted(self._h1, h1, side="left")
        inside = pos < len(self._h1)
        same1 = np.zeros(len(h1), bool)
        same1[inside] = self._h1[pos[inside]] == h1[inside]
        for i in np.flatnonzero(same1):  # rare: only keys whose first hash is held already
            p = pos[i]
            while p < len(self._h1) and self._h1[p] == h1[i]:
                if self._h2[p] == h2[i]:
                    out[i] = int(self._rows[p])
                    break
                p += 1
        return out

    def _add(self, h1: np.ndarray, h2: np.ndarray, rows: np.ndarray) -> None:
        if not len(h1):
            return
        order = np.argsort(h1, kind="stable")
        h1, h2, rows = h1[order], h2[order], rows[order]
        at = np.searchsorted(self._h1, h1, side="left")
        self._h1 = np.insert(self._h1, at, h1)
        self._h2 = np.insert(self._h2, at, h2)
        self._rows = np.insert(self._rows, at, rows.astype(np.int32))


__all__ = ["SeenKeys", "key_hashes"]
