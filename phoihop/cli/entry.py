"""The console script `phoihop`: Vietnamese for the command line's libraries first, then the command."""

from __future__ import annotations


def main() -> None:
    from phoihop.cli.vietnamese import use_vietnamese

    use_vietnamese()
    from phoihop.cli.main import app  # imports Typer, whose words are now looked up in Vietnamese

    app()
