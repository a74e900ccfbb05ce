"""`python -m gridtui` is the same as the `gridtui` command."""

from gridtui.cli import main

raise SystemExit(main())
