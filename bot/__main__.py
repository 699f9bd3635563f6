"""``python -m bot``: the same command line as ``surveibot`` (:mod:`bot.cli.main`)."""

from bot.cli.main import main

if __name__ == "__main__":
    raise SystemExit(main())
