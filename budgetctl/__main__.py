"""Entry point: ``budgetctl`` and ``python -m budgetctl``."""

from __future__ import annotations

import contextlib
import os
import sys
from typing import Any, TextIO


class _Stdout:
    """Standard output that remembers a failed write (a closed pipe, a full disk), so the run
    ends with one line and exit 2 whoever caught the error (click exits 1 on a closed pipe)."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self.failed: OSError | None = None

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except OSError as exc:
            self.failed = self.failed or exc
            raise

    def flush(self) -> None:
        try:
            self._stream.flush()
        except OSError as exc:
            self.failed = self.failed or exc
            raise

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def main() -> None:
    if sys.stdout is None:  # started with standard output closed (`>&-`)
        if sys.stderr is not None:
            print("budgetctl: standard output is closed; nothing can be printed", file=sys.stderr)
        raise SystemExit(2)
    # `--version` answers before typer, pydantic or rich are imported.
    if sys.argv[1:] == ["--version"]:
        from budgetctl import __version__

        print(f"budgetctl {__version__}")
        return
    # No third-party pydantic plugin runs inside budgetctl (nothing loads from outside
    # the code base), and skipping the entry-point scan saves start-up time.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    stdout = _Stdout(sys.stdout)
    sys.stdout = stdout
    try:
        _run()
    finally:
        if stdout.failed is None:
            with contextlib.suppress(OSError):
                stdout.flush()
        if stdout.failed is not None:
            # Nothing more can reach standard output; nor should Python's own flush at exit try.
            with contextlib.suppress(OSError):
                os.dup2(os.open(os.devnull, os.O_WRONLY), stdout.fileno())
            reason = stdout.failed.strerror or type(stdout.failed).__name__
            print(f"budgetctl: cannot write to standard output: {reason}", file=sys.stderr)
            raise SystemExit(2)  # the exit code of an output failure, whatever else happened


def _run() -> None:
    from budgetctl.cli import app

    try:
        app()
    except SystemExit:
        raise
    except KeyboardInterrupt:
        print("budgetctl: interrupted", file=sys.stderr)
        raise SystemExit(130) from None
    except Exception as exc:
        if isinstance(sys.stdout, _Stdout) and sys.stdout.failed is not None:
            raise SystemExit(2) from None  # reported by main
        if os.environ.get("BUDGETCTL_DEBUG"):
            raise
        # A bug, not bad input: one line, exit 3 (1 and 2 mean problems and usage).
        print(
            f"budgetctl: internal error: {type(exc).__name__}: {exc} "
            "(set BUDGETCTL_DEBUG=1 for a traceback, and please report it)",
            file=sys.stderr,
        )
        raise SystemExit(3) from None


if __name__ == "__main__":
    main()
