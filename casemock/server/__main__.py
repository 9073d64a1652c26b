"""``python -m casemock.server``: the same as ``casemock-server``."""

from casemock.server.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
