"""Entry point for `python -m onlyjobless`."""

import sys

from onlyjobless.cli import main

sys.exit(main())
