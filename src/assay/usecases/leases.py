"""Lease owners: who holds a cell, and whether that holder is a dead local process."""

from __future__ import annotations

import os
import socket
import uuid


def local_owner() -> str:
    """A lease-owner id naming this host and process."""
    return f"local:{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def is_dead_local_owner(owner: str) -> bool:
    """True when `owner` is a process of this host that no longer runs."""
    parts = owner.split(":")
    if len(parts) != 4 or parts[0] != "local" or parts[1] != socket.gethostname():
        return False
    try:
        pid = int(parts[2])
    except ValueError:
        return False
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False
