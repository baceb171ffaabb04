"""``python -m fsaudit`` and the ``fsaudit`` command.

``fsaudit --version`` is answered here, before the command-line framework and the engine are
imported: it costs the start of Python and little more. Every other command goes to
:func:`fsaudit.cli.main`.
"""

import sys

VERSION_OPTIONS = (["--version"], ["-V"])


def main() -> int:
    """Run the command line (``sys.argv``) and return the exit code."""
    if sys.argv[1:] in VERSION_OPTIONS:
        from fsaudit._version import __version__

        sys.stdout.write(f"fsaudit {__version__}\n")
        sys.stdout.flush()
        return 0
    from fsaudit.cli import main as cli_main

    return cli_main()


if __name__ == "__main__":
    sys.exit(main())
