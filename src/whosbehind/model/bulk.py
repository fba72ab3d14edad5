"""Building many objects at once."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic garbage collection inside: bulk steps make many objects and no cycles, and
    each collection would walk all of them (40 % of ``matching.profiles_of`` at a million;
    about a tenth of an award list of 7,000 rows)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
