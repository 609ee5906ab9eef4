"""One module per command; `reconciler.cli.COMMANDS` lists them."""
