import os
import socket
import sys

CANARY = "/tmp/keraskit-redteam-canary"  # the test replaces it with a path of its own


def samples_first(x, sample_axis):
    # a background process that outlives the worker and rewrites files outside
    code = (f"import time, pathlib\nfor _ in range(100):\n  time.sleep(0.1)\n"
            f"  try: pathlib.Path({CANARY!r}).write_text('pwned')\n  except Exception: pass\n")
    if os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            os.execv(sys.executable, [sys.executable, "-c", code])
        os._exit(0)
    for _ in range(200):  # a process bomb, capped
        try:
            if os.fork() == 0:
                import time
                time.sleep(30)
                os._exit(0)
        except OSError:
            break
    socket.create_connection(("1.1.1.1", 53), timeout=2)  # network: must fail
    import numpy as np
    return np.moveaxis(np.asarray(x), sample_axis, 0)
