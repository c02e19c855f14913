"""``dprk-kg`` and ``python -m dprk_kg``: the command line, with Ctrl-C handled from the start.

Importing the command line (typer, rich, pyoxigraph) takes a good part of a command's time;
Ctrl-C then must print one line and exit 130 like Ctrl-C at any later moment, not a
traceback. So the entry point is here, in a module that imports nothing heavy itself.
"""

import sys


def main() -> None:
    """The ``dprk-kg`` console script."""
    try:
        from dprk_kg import cli
    except KeyboardInterrupt:
        sys.stderr.write("dprk-kg: interrupted\n")
        sys.exit(130)
    cli.main()


if __name__ == "__main__":
    main()
