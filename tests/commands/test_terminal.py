from __future__ import annotations

import signal

import pytest


def test_a_second_interrupt_exits_at_once_without_waiting_for_calls_in_flight(
    monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    import threading

    from reconciler.commands import terminal

    def fake_exit(code: int) -> None:
        raise SystemExit(code)

    monkeypatch.setattr("reconciler.commands.terminal.os._exit", fake_exit)
    event = threading.Event()
    before = signal.getsignal(signal.SIGINT)
    with terminal._stop_on_signals(event):
        handler = signal.getsignal(signal.SIGINT)
        assert callable(handler)
        handler(signal.SIGINT, None)  # the first one asks the run to stop
        assert event.is_set()
        with pytest.raises(SystemExit) as exited:
            handler(signal.SIGINT, None)  # the second one does not wait
    assert exited.value.code == 130
    err = capfd.readouterr().err
    assert "interrupt again to exit at once" in err and "Interrupted again" in err
    assert signal.getsignal(signal.SIGINT) is before  # put back as it was
