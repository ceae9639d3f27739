"""The console script: the CLI imported under a guard, so that Ctrl-C while Python is still
importing Typer, Rich and pydantic ends like Ctrl-C anywhere else (one line, exit 130)."""

from __future__ import annotations

import os
import sys

_INTERRUPTED = 130


def main() -> None:
    try:
        from sspost.cli import main as run
    except KeyboardInterrupt:
        try:
            sys.stderr.write("sspost: interrupted\n")
            sys.stderr.flush()
        finally:
            os._exit(_INTERRUPTED)  # nothing half-imported may run at exit
    run()
