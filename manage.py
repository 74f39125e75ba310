#!/usr/bin/env python
"""Same as the ``territoires`` command installed in .venv/bin."""

from config.cli import main

if __name__ == "__main__":
    main()
