"""Stopping a server started in a session of its own, with everything it forked.

The test suite, ``make screenshots`` and ``make bench`` start ``tnmt-kg serve`` (and Virtuoso)
with ``start_new_session=True`` so that one signal to the process group reaches gunicorn's
workers and their query processes too; this is the one place that stops them.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess


def stop_process_group(process: subprocess.Popen, *, timeout: float = 10) -> None:
    """SIGTERM to the process group of ``process``; SIGKILL if it has not gone within ``timeout``."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=timeout)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        except ProcessLookupError:
            pass


def free_port() -> int:
    """A TCP port free on 127.0.0.1 now (for a server the tests or the bench start)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
