"""``python -m app`` — the GridCC command line."""

import sys

from app.cli import main

sys.exit(main())
