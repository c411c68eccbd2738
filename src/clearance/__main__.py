"""`python -m clearance` runs the command line."""

from clearance.cli.app import main

main()
