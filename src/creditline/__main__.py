"""``python -m creditline``: the same CLI as the ``creditline`` command."""

from creditline.cli import main

main()
