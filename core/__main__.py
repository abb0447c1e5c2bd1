"""Entry point for `python -m core`."""

import os
import sys
from contextlib import suppress

from core.cli import main
from core.memory import keep_freed_memory

keep_freed_memory()
code = main()
# Leave without running C++ static destructors. Under load, pyarrow's thread pool torn down at interpreter exit
# aborts the process about one run in a hundred ("terminate called without an active exception", SIGABRT;
# apache/arrow#34314), after the command has finished and said what it did: tests/test_corpus.py saw it twice
# in eight full runs, and 3 of 360 parallel runs of one refused file aborted this way, 0 of 360 with os._exit.
# The command's files are closed by now; only the standard streams may still hold text.
for stream in (sys.stdout, sys.stderr):
    with suppress(OSError, ValueError):  # a reader that went away (`| head`) takes nothing more
        stream.flush()
os._exit(code)
