"""Entry point: ``budgetctl`` and ``python -m budgetctl``."""

from __future__ import annotations

import os
import sys


def main() -> None:
    # `--version` answers before typer, pydantic or rich are imported.
    if sys.argv[1:] == ["--version"]:
        from budgetctl import __version__

        print(f"budgetctl {__version__}")
        return
    # No third-party pydantic plugin runs inside budgetctl (nothing loads from outside
    # the code base), and skipping the entry-point scan saves start-up time.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    from budgetctl.cli import app

    try:
        app()
    except SystemExit:
        raise
    except KeyboardInterrupt:
        print("budgetctl: interrupted", file=sys.stderr)
        raise SystemExit(130) from None
    except Exception as exc:
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
