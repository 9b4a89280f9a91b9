"""`python -m playground ...`: the command line (`playground.cli`); exits with its code."""
import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
