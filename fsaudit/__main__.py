"""``python -m fsaudit`` and the ``fsaudit`` command.

``fsaudit --version`` and ``fsaudit --help`` are answered here, before the command-line framework
and the engine are imported: they cost the start of Python and little more. The help is click's
own rendering, stored by :mod:`fsaudit.cli.helpgen` for the usual widths (another width goes through
click). Every other command goes to :func:`fsaudit.cli.main`.
"""

import os
import sys

VERSION_OPTIONS = (["--version"], ["-V"])
HELP_OPTIONS = (["--help"], ["-h"])
MAX_HELP_WIDTH = 100
"""``max_content_width`` of the click command (``fsaudit.cli.main.CONTEXT_SETTINGS``)."""


def help_width() -> int:
    """The width click formats the help to: ``max(min(columns, 100) - 2, 50)``, where the
    columns are found as :func:`shutil.get_terminal_size` finds them (``COLUMNS``, then the
    terminal of standard output, then 80)."""
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
        columns = columns or 80
    return max(min(columns, MAX_HELP_WIDTH) - 2, 50)


def main() -> int:
    """Run the command line (``sys.argv``) and return the exit code."""
    args = sys.argv[1:]
    if args in VERSION_OPTIONS:
        from fsaudit._version import __version__

        sys.stdout.write(f"fsaudit {__version__}\n")
        sys.stdout.flush()
        return 0
    if args in HELP_OPTIONS:
        from fsaudit.cli._help import HELP

        text = HELP.get(help_width())
        if text is not None:
            sys.stdout.write(text)
            sys.stdout.flush()
            return 0
    from fsaudit.cli.main import main as cli_main

    return cli_main()


if __name__ == "__main__":
    sys.exit(main())
