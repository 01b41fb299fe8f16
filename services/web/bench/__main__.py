"""python -m bench: run the bench (run.py); Ctrl-C stops it and everything it started."""

import sys

from .run import main

try:
    main()
except KeyboardInterrupt:
    sys.exit(130)
