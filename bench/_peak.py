"""Run a Python program (a script or ``manage.py …``) in this process and print its peak memory."""

import os
import resource
import runpy
import sys

if __name__ == "__main__":
    sys.argv = sys.argv[1:]
    sys.path[0] = os.path.dirname(os.path.abspath(sys.argv[0]))  # as if the program were run directly
    try:
        runpy.run_path(sys.argv[0], run_name="__main__")
    finally:
        print(f"peak_rss_mb={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024}", flush=True)
