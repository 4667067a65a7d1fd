"""store.interrupts: the first Ctrl-C inside a change is held to its end, a second is not."""

from __future__ import annotations

import signal
import threading

import pytest

from papers.store.interrupts import held


def test_a_ctrl_c_inside_the_block_is_raised_when_the_block_ends() -> None:
    finished = []
    with pytest.raises(KeyboardInterrupt), held():
        signal.raise_signal(signal.SIGINT)
        finished.append("the rest of the block ran")
    assert finished == ["the rest of the block ran"]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_a_second_ctrl_c_is_raised_at_once() -> None:
    reached = []
    with pytest.raises(KeyboardInterrupt), held():
        signal.raise_signal(signal.SIGINT)
        signal.raise_signal(signal.SIGINT)
        reached.append("after the second")
    assert reached == []
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_without_a_ctrl_c_the_block_runs_and_the_handler_is_put_back() -> None:
    with held():
        assert signal.getsignal(signal.SIGINT) is not signal.default_int_handler
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_a_held_ctrl_c_is_not_lost_to_an_error_in_the_block() -> None:
    """A caller may retry on the error (another program saved the file): the user's Ctrl-C wins."""
    with pytest.raises(KeyboardInterrupt) as raised, held():
        signal.raise_signal(signal.SIGINT)
        raise OSError("disk full")
    assert isinstance(raised.value.__cause__, OSError)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_an_error_without_a_ctrl_c_is_raised_as_it_is() -> None:
    with pytest.raises(OSError, match="disk full"), held():
        raise OSError("disk full")
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_a_handler_of_the_program_s_own_is_left_alone() -> None:
    calls: list[int] = []

    def own(signum: int, frame: object) -> None:
        calls.append(signum)

    previous = signal.signal(signal.SIGINT, own)
    try:
        with held():
            assert signal.getsignal(signal.SIGINT) is own
            signal.raise_signal(signal.SIGINT)
        assert calls == [signal.SIGINT]
    finally:
        signal.signal(signal.SIGINT, previous)


def test_outside_the_main_thread_it_does_nothing() -> None:
    outcome: list[str] = []

    def body() -> None:
        with held():
            outcome.append("ran")

    worker = threading.Thread(target=body)
    worker.start()
    worker.join()
    assert outcome == ["ran"]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
