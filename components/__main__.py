"""`python -m components`: the conflict-monitor command line."""

from components.cli import main

main()
