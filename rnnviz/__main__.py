"""python -m rnnviz {trace,models,bench,train}: the same engine as the app, from the shell."""
import sys

from .cli import main

sys.exit(main())
