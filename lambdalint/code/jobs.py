"""One module's analysis as a job, the unit the engine hands to other processes.

A job is `(path, display path, text, mode)`, mode `full` or `definitions`: plain data, so a forked
or spawned process can take it, and the same job always gives the same facts. `analysis.analyse`
makes the jobs once the templates have said which files hold handlers; `likely_job` guesses one
from a file alone, for the workers that start before that (`workers`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from lambdalint.code.facts import ModuleFacts
from lambdalint.code.scan import Prefilter, is_test_file
from lambdalint.discover import NotReadable, read_limited

Job = tuple[str, str, str, str]  # (path, display, text, mode)

# Below this many modules, starting worker processes costs more than it saves.
PARALLEL_THRESHOLD = 48


def analyse_job(job: Job) -> ModuleFacts:
    """The facts of one module; a module LibCST trips over gives facts that carry the error."""
    from lambdalint.code.extract import definition_facts, full_facts

    path, display, text, mode = job
    try:
        return (full_facts if mode == "full" else definition_facts)(path, display, text)
    except Exception as exc:  # noqa: BLE001 - a LibCST bug on one odd file must not end the run
        return ModuleFacts(path=path, display=display, error=(1, 1, f"cannot analyse: {type(exc).__name__}: {exc}"),
                           full=False)


def likely_job(path: Path, display: Callable[[Path], str], prefilter: Prefilter,
               max_bytes: int) -> Job | None:
    """The job `analyse` would most likely make for a discovered Python file, made before the
    templates say which files hold handlers (`workers` work on these while the parent loads):
    its mode as the text alone decides it (a module that only imports a wanted one is analysed
    in full by `analyse`, a miss the worker then redoes). None for a file `analyse` will not
    ask for or cannot read; a file it reads differently (an editor buffer) is another job."""
    file = path.absolute()
    if is_test_file(display(file)):
        return None
    try:
        text = decode_python(read_limited(file, max_bytes, "max-python-mb"))
    except (NotReadable, SyntaxError, UnicodeDecodeError, LookupError):
        return None
    return str(file), display(file), text, "full" if prefilter.wanted(text) else "definitions"


def decode_python(data: bytes) -> str:
    return data.decode(python_encoding(data))


def python_encoding(data: bytes) -> str:
    """PEP 263: `utf-8-sig` for a BOM, else a `# -*- coding: latin-1 -*-` cookie on line 1 or 2,
    else UTF-8. Raises SyntaxError for an unknown or contradictory declaration."""
    import io
    import tokenize

    return tokenize.detect_encoding(io.BytesIO(data).readline)[0]
