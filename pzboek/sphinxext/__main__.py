"""`python -m pzboek.sphinxext`: the build's check step on its own (pzboek/sphinxext/prepare.py): the lock, the check of
the inputs (one line and exit 1 on bad input), the notebooks executed when needed, the downloads."""
import sys

from .prepare import main

sys.exit(main())
