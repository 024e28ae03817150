"""A big run of templates alone, checked in two processes: each loads and checks half of them.

A CloudFormation, SAM or Serverless template (YAML or JSON) is loaded from its own text, and every
rule judges a template's functions from that template alone (their handler code aside, which this
path never has). So two halves of the templates, checked apart, give the findings one process
gives. Loading and the rules are four fifths of such a run, and a CI runner has two cores or more:
the engine forks one child that checks the second half while it checks the first, then merges what
the child sends back (findings, notes, errors, the files it read) into one report, the same, byte
for byte, as one process's (`CheckedPart.note_groups` keeps the notes in one run's order).

Only where that is safe and pays (`halves_of`): Linux (fork), two CPUs or more, no other thread in
the process (a fork can leave another thread's lock held in the child), no Python file, Terraform
file or CDK app found (their loading crosses files: a module index, module calls, an app's
constructs; a template under `cdk.out` is mapped back to its app), no editor buffers, a caller
that does not need the whole model (`api.lint(whole_model=True)`: the language server, the policy
command), and at least `MIN_CHARS` of template text: a fork, the pickle back and the pages both
processes then copy on their first write cost ~10-20 ms. Files passed as arguments (pre-commit's
`--all-files`) are split like a folder: each half counts the functions of the files asked for.

A child that dies or sends what cannot be read is given up and its half checked in the parent:
findings never depend on it. Ctrl-C in a terminal signals both; the parent kills and reaps the
child in every case before it returns.
"""

from __future__ import annotations

import os
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from lambdalint.discover import Discovered
from lambdalint.findings import Finding
from lambdalint.model import Project, SourceFile
from lambdalint.unread import is_terraform

# Below ~1 M characters (~50 ms of loading) the fork and the pickle would eat most of the gain
# (bench/README.md, "Issue 13: two halves").
MIN_CHARS = 1_000_000
# The parent also unpickles, merges and renders, the child pickles: even halves (a first half of
# 47% or 55% of the text was slower on the corpus).
FIRST_SHARE = 0.5

Progress = Callable[[str], None]


@dataclass
class CheckedPart:
    """What checking some discovered files gave: the whole run's, or one half's.

    `findings` have their suppressions applied but are neither sorted nor made distinct;
    `note_groups` are the notes by where they came from (loading, the handler code, each rule in
    the order the rules run), so that two halves' notes merge into the order one run gives."""

    project: Project
    findings: list[Finding]
    errors: list[str]
    note_groups: list[tuple[str, list[str]]]
    file_paths: set[str]
    functions: int


Check = Callable[[Discovered, "Progress | None"], CheckedPart]


def halves_of(found: Discovered) -> tuple[Discovered, Discovered] | None:
    """The two halves to check apart, or None where one process must check it all."""
    if not sys.platform.startswith("linux") or not hasattr(os, "fork"):
        return None
    if (os.cpu_count() or 1) < 2 or threading.active_count() != 1:
        return None
    if found.python_files or any(is_terraform(p.name) or p.name == "cdk.json" for p in found.infrastructure):
        return None
    if any("cdk.out" in path.parts for path, _ in found.templates):
        return None
    total = sum(len(text) for _, text in found.templates)
    if total < MIN_CHARS or len(found.templates) < 2:
        return None
    cut, size = 0, 0
    while cut < len(found.templates) - 1 and size < total * FIRST_SHARE:
        size += len(found.templates[cut][1])
        cut += 1
    first_templates, second_templates = _kept_with_includer(found.templates[:cut], found.templates[cut:])
    if not first_templates or not second_templates:
        return None
    second_paths = {path for path, _ in second_templates}
    # what discovery reports (unreadable and skipped files) goes with the first half; a file named
    # like a template goes with the half that loads it, which decides whether it is noted unread
    first = Discovered(templates=first_templates, unreadable=found.unreadable, skipped=found.skipped,
                       infrastructure=[p for p in found.infrastructure if p not in second_paths])
    second = Discovered(templates=second_templates,
                        infrastructure=[p for p in found.infrastructure if p in second_paths])
    return first, second


Texts = list[tuple[Path, str]]


def _kept_with_includer(first: Texts, second: Texts) -> tuple[Texts, Texts]:
    """A template a `serverless.yml` of the other half reads in (`${file(resources.yml)}`) moves to
    that half: loaded there as part of the service, it must not be loaded on its own here."""
    from lambdalint.loaders.serverless import included_paths

    for here, there in ((first, second), (second, first)):
        wanted = set().union(*(included_paths(path, text) for path, text in here))
        moving = [item for item in there if item[0].absolute() in wanted]
        if moving:
            here.extend(moving)
            there[:] = [item for item in there if item[0].absolute() not in wanted]
    return first, second


def check_in_two(halves: tuple[Discovered, Discovered], check: Check,
                 progress: Progress | None) -> CheckedPart:
    """`check` each half, the second in a child process; the two parts merged into one."""
    first, second = halves
    # both halves load YAML: PyYAML (~10 ms) is imported once, before the fork
    import lambdalint.loaders.yamlnodes  # noqa: F401

    try:
        read_end, write_end = os.pipe()
    except OSError:
        return _merged(check(first, progress), check(second, progress), halves)
    try:
        pid = os.fork()
    except OSError:
        pid = -1
    if pid == 0:  # the child: never returns into the engine
        status = 1
        try:
            os.close(read_end)
            _send(write_end, _portable(check(second, None)))
            status = 0
        finally:
            os._exit(status)  # no atexit handlers, no flushing of the parent's buffers
    os.close(write_end)
    theirs = None
    try:
        mine = check(first, progress)
        if pid > 0:
            theirs = _received(read_end)
    finally:
        os.close(read_end)
        if pid > 0:
            theirs = theirs if _reaped(pid, wanted=theirs is not None) else None
    if theirs is None:
        theirs = check(second, progress)
    return _merged(mine, theirs, halves)


def _portable(part: CheckedPart) -> CheckedPart:
    """What the parent needs of the child's part: its model stays behind, only the files it read
    (renderers quote their lines) and what it could not check travel."""
    project = Project(cwd=part.project.cwd)
    project.sources = {display: SourceFile(source.path, source.display, source.text)
                       for display, source in part.project.sources.items()}
    project.unchecked = list(part.project.unchecked)
    return CheckedPart(project, part.findings, part.errors, part.note_groups, part.file_paths, part.functions)


def _send(fd: int, part: CheckedPart) -> None:
    import pickle

    data = memoryview(pickle.dumps(part, protocol=pickle.HIGHEST_PROTOCOL))
    while data:
        data = data[os.write(fd, data):]
    os.close(fd)


def _received(fd: int) -> CheckedPart | None:
    import pickle

    chunks = []
    while chunk := os.read(fd, 1 << 20):
        chunks.append(chunk)
    try:
        return pickle.loads(b"".join(chunks))  # type: ignore[no-any-return]
    except Exception:  # noqa: BLE001 - a child that died mid-write: its half is checked here
        return None


def _reaped(pid: int, *, wanted: bool) -> bool:
    """Reap the child (killed first unless its part came); True when it ended well."""
    import signal

    if not wanted:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    try:
        _, status = os.waitpid(pid, 0)
    except ChildProcessError:
        return False
    return os.waitstatus_to_exitcode(status) == 0


def _merged(mine: CheckedPart, theirs: CheckedPart, halves: tuple[Discovered, Discovered]) -> CheckedPart:
    project = mine.project
    for display, source in theirs.project.sources.items():
        project.sources.setdefault(display, source)
    project.unchecked = mine.project.unchecked + theirs.project.unchecked
    if any(half.infrastructure for half in halves):  # one run sorts them with what it found unread
        project.unchecked.sort()
    groups = [(key, notes + other) for (key, notes), (_, other) in zip(mine.note_groups, theirs.note_groups)]
    return CheckedPart(project, mine.findings + theirs.findings, mine.errors + theirs.errors, groups,
                      mine.file_paths | theirs.file_paths, mine.functions + theirs.functions)


__all__ = ["FIRST_SHARE", "MIN_CHARS", "CheckedPart", "check_in_two", "halves_of"]
