import sys

from fake_jumpcloud.server import main

sys.exit(main())
