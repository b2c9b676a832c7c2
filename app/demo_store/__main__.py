"""Entry point for ``python -m app.demo_store``."""

import sys

from app.demo_store.cli import main

sys.exit(main())
