"""Run inside ``manage.py shell`` by bench/import_households.py: our import of ``BENCH_FILE`` (as the
``import_xlsx households`` command runs it, validation and history included) with its phases timed.

The phases come from wrappers around the service's and the kind's own steps (nothing in the import
changes): read/parse (analyse less checks and diff), checks, diff, each table's write, the job's
record and the commit. Prints ``OURS <phase> <seconds>`` lines and the job's summary.
"""

from __future__ import annotations

import os
import time
from collections import defaultdict
from pathlib import Path

from accountability.importing import services as import_services
from accountability.models import User
from households.importers import households as kind_module

spent: dict[str, float] = defaultdict(float)
moments: dict[str, float] = {}


def timed(owner, name: str, phase: str) -> None:
    function = getattr(owner, name)

    def wrapper(*args, **kwargs):
        started = time.monotonic()
        try:
            return function(*args, **kwargs)
        finally:
            spent[phase] += time.monotonic() - started
            moments[phase] = time.monotonic()

    setattr(owner, name, wrapper)


kind = kind_module.HouseholdsImport
timed(import_services, "analyse", "analyse")
timed(kind, "check", "checks")
timed(kind, "existing", "diff")
timed(kind, "_write_households", "write households_household")
timed(kind, "_write_members", "write households_member")
timed(kind, "_write_pairings", "write households_helpingcadrepairing")
timed(kind_module, "household_summaries_refresh", "write household summaries")
timed(import_services, "_record", "record the job")
timed(import_services, "_write", "analyse, write and commit")

actor = User.objects.get(username="bench")
started = time.monotonic()
job = import_services.run_import(kind="households", path=Path(os.environ["BENCH_FILE"]), actor=actor)
total = time.monotonic() - started
assert job.status == "done", (job.status, job.message)
print(job.message)
phases = {
    "read/parse": spent["analyse"] - spent["checks"] - spent["diff"],
    "checks": spent["checks"],
    "diff": spent["diff"],
}
phases |= {phase: seconds for phase, seconds in spent.items() if phase.startswith("write")}
phases["record the job"] = spent["record the job"]
phases["commit"] = moments["analyse, write and commit"] - moments["record the job"]
phases["other (job, file hash)"] = total - sum(phases.values())
for phase, seconds in phases.items():
    print(f"OURS {phase} {seconds:.3f}")
print(f"OURS total {total:.3f}")
