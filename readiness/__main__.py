import os
import sys

# `python -m readiness` puts the working folder first on sys.path. That folder is often the
# repository being audited, which must never supply or shadow a plugin: drop it.
if sys.path and sys.path[0] == os.getcwd():
    del sys.path[0]

from .cli import main  # noqa: E402  (after the sys.path fix)

main()
