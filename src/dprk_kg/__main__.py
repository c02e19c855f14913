"""``python -m dprk_kg`` runs the same command line as ``dprk-kg``."""

from dprk_kg.cli import main

main()
