"""python -m rnnviz (or `rnnviz`): the same engine as the app, from the shell."""
import sys

from .cli import main
from .runtime import use_one_thread

use_one_thread()      # an entry point chooses the threads; importing rnnviz does not
sys.exit(main())
