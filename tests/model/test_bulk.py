"""paused_gc: no cyclic collection inside, the collector's state as it was after."""

from __future__ import annotations

import gc

import pytest

from whosbehind.model.bulk import paused_gc


def test_the_collector_is_paused_inside_and_enabled_again_after_even_on_error() -> None:
    assert gc.isenabled()
    with paused_gc():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(ValueError), paused_gc():
        raise ValueError("bad row")
    assert gc.isenabled()


def test_a_collector_disabled_before_stays_disabled() -> None:
    gc.disable()
    try:
        with paused_gc():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()
