"""``python -m fsaudit``."""

import sys

from fsaudit.cli import main

sys.exit(main())
