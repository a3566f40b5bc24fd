"""Subcommands of the alliance-sim CLI, one module each."""
