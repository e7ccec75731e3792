"""``python -m nerve`` runs the ``nerve`` command (see :mod:`nerve.cli` for its exit codes and errors)."""
import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
