"""Prefect flows: the work over time. Importing this package sets Prefect's defaults first.

A government system sends no telemetry, and the temporary API server Prefect starts for
a one-off run needs more than its default 20 s on a cold two-core machine.
"""

import os

for name, value in {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
    "PREFECT_UI_ENABLED": "false",
}.items():
    os.environ.setdefault(name, value)
