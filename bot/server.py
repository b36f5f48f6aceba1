"""Production entry point of the Rasa server: Rasa's own CLI with our guards installed.

    python -m bot.server run --enable-api -p 5005 -m models/policy-bot.tar.gz \\
        --endpoints endpoints.production.yml --credentials credentials.yml

takes exactly the arguments of ``rasa`` (``run ...``, ``shell``, ``--help`` ...). It calls
:func:`bot.resilience.install` (fault guards) and :func:`bot.speedups.install` (CPU savings with the
same results), then ``rasa.__main__.main`` in the same process, so the patches are applied
explicitly here, never as a side effect of importing a module. ``run actions`` (the action server)
is passed through unpatched: the guards only concern the Rasa server.
See docs/production.md.
"""
from __future__ import annotations

import sys
from typing import List, Optional


def main(argv: Optional[List[str]] = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:2] != ["run", "actions"]:
        from bot import resilience, speedups

        resilience.install()
        speedups.install()
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *args]
    rasa_main()


if __name__ == "__main__":
    main()
