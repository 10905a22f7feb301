"""The `phoihop` command line."""
