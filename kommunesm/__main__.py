"""`python -m kommunesm` runs the command-line interface."""

from kommunesm.cli import app

app()
