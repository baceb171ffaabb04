"""The ``fsaudit`` command (:mod:`~fsaudit.cli.main`): parse, call the library, render, return an
exit code (:mod:`~fsaudit.cli.exitcodes`)."""
