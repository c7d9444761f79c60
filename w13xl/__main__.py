"""``python -m w13xl ...``: the same as the ``w13xl`` command."""

from ._entry import main

main()
