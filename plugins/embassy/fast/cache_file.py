"""Cache files: data pickled between builds, written whole, read back or missed.

A cache is an optimization: a file that is missing, damaged on the disk or
of another shape is a cache missed, never a stopped build; and a build
stopped while writing one leaves the last whole file (atomic.py).
"""

import pickle
from pathlib import Path
from typing import TypeVar

from ..atomic import atomic_write

Data = TypeVar("Data")  # what a cache file holds: the type of its empty value


def read_cache(path: str | Path, empty: Data) -> Data:
    """A cache file's data, or empty if the file is missing or cannot be read back as
    data of empty's type (damaged on the disk, say): a cache missed, never a
    stopped build."""
    try:
        with open(path, "rb") as file:
            data = pickle.load(file)  # noqa: S301 - the build's own cache, never content
    except Exception:  # noqa: BLE001 - unpickling a damaged file can raise anything
        return empty
    return data if isinstance(data, type(empty)) else empty


def write_cache(path: str | Path, data: object) -> None:
    """Write a cache file whole or not at all (a partial file, then renamed): a build
    stopped halfway must not leave one the next cannot read."""
    with atomic_write(path) as file:
        pickle.dump(data, file, protocol=pickle.HIGHEST_PROTOCOL)
