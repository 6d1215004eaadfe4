"""``python -m wenping.demo``: the same as ``wenping demo``, configured from the environment."""

import sys

from wenping.demo import main

sys.exit(main())
