"""Exit codes of the ``fsaudit`` command. Where several apply, the highest wins."""

import enum

__all__ = ["ExitCode"]


class ExitCode(enum.IntEnum):
    """What ``fsaudit audit`` tells a CI job through its exit status."""

    OK = 0
    """Every structure passes at the ``--fail-on`` level."""
    FAILURES = 1
    """At least one rule fails at or above the ``--fail-on`` level."""
    USAGE = 2
    """Usage error: unknown option, no input, missing file, bad date, unknown format."""
    INPUT_ERROR = 3
    """At least one input could not be read or validated; the others were audited."""
    PLUGIN_ERROR = 4
    """A rule or plugin failed (status ``error``, or a plugin that could not load)."""
