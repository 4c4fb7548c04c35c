from fixkit.cli import main

raise SystemExit(main())
