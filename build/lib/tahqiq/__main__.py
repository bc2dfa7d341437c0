"""`python -m tahqiq` runs the command line."""

import sys

from tahqiq.cli import main

sys.exit(main())
