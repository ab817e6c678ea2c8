import sys

from tui_crm.cli import main

sys.exit(main())
