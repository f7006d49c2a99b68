"""The program an aws:executeScript container runs (`python3 -c <this source> <job file>`); never
imported by LocalStack's process.

It keeps one rule: the container's stdout carries nothing but the step's outcome, one JSON object
(`{"Payload": ...}` or `{"Error": "<traceback>"}`), so that no print of the script, nor any
process it starts, can be taken for it. Everything the script writes, to stdout or stderr, goes
to stderr, in order: the step's log. Runs on the runtime image's Python 3.
"""

import json
import linecache
import os
import sys
import traceback
from collections.abc import Callable
from typing import Any

SCRIPT_FILE = "/automation/script.py"
"""The name the script's frames carry in a traceback."""


def _handler(namespace: dict[str, Any], name: str) -> Callable[[Any, Any], Any]:
    """The handler the step names: a function of the script, or `module.function`'s function."""
    found = namespace.get(name)
    if found is None and "." in name:
        found = namespace.get(name.rsplit(".", 1)[1])
    if not callable(found):
        raise NameError(f"the script defines no function named {name!r} (Handler)")
    return found


def _traceback(error: BaseException) -> str:
    """The traceback from the script's first frame on (this program's own frames left out)."""
    frames = error.__traceback__
    while frames is not None and frames.tb_frame.f_code.co_filename != SCRIPT_FILE:
        frames = frames.tb_next
    return "".join(traceback.format_exception(type(error), error, frames))


def main() -> None:
    with open(sys.argv[1]) as job_file:
        job = json.load(job_file)
    outcome = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)  # the script's stdout (and its children's) joins stderr: the log
    sys.stdout = os.fdopen(1, "w", buffering=1)
    namespace: dict[str, Any] = {"__name__": "script", "__file__": SCRIPT_FILE}
    try:
        source = job["script"]
        linecache.cache[SCRIPT_FILE] = (len(source), None, source.splitlines(True), SCRIPT_FILE)
        code = compile(source, SCRIPT_FILE, "exec")
        exec(code, namespace)
        value = _handler(namespace, job["handler"])(job["events"], job["context"])
        text = json.dumps({"Payload": value})
    except BaseException as error:  # the step fails with what the script raised, SystemExit too
        text = json.dumps({"Error": _traceback(error)})
    sys.stdout.flush()
    sys.stderr.flush()
    outcome.write(text)
    outcome.close()


if __name__ == "__main__":
    main()
