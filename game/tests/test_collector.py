"""The garbage collector is held off during decisions and given back as it was."""

from __future__ import annotations

import gc

from game.collector import CollectorPause


def test_the_collector_is_off_inside_and_back_on_after_the_last_exit():
    pause = CollectorPause()
    assert gc.isenabled()
    with pause:
        assert not gc.isenabled()
        with pause:  # another decision at the same time (another thread)
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_collector_disabled_by_someone_else_stays_disabled():
    pause = CollectorPause()
    gc.disable()
    try:
        with pause:
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_an_error_in_the_decision_gives_the_collector_back():
    pause = CollectorPause()
    try:
        with pause:
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    assert gc.isenabled()
