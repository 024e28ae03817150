"""Handler-code workers started before the templates are loaded.

Importing LibCST (~0.14 s) and parsing the handler modules are most of a run with handler code,
and reading templates and Terraform does not need LibCST. So when a run will analyse code and is
big enough (`start`), worker processes are forked as soon as discovery has listed the Python files:
they import LibCST and `extract` while the parent loads the templates; `analysis.analyse` then hands
them its jobs (each job carries its text, so editor buffers hold) and the parent never imports
LibCST for them.

Once LibCST is in, a worker would only wait for the parent, so it analyses its share of the
discovered Python files ahead, as `analysis.likely_job` guesses each will be asked for (which files
hold handlers is known only once the templates are read), checking for real jobs between files.
A job is then answered from what was done ahead when it is the same job (path, display path, text
and mode all equal), else analysed as it comes; the parent sends each job first to the worker that
had its file. A wrong guess costs only time the worker would have spent waiting.

Only where that is safe and pays: Linux (fork), two CPUs or more, no other thread in the process
(forking a threaded process such as the language server can leave a lock held in the child), no
LibCST imported yet and no CDK app to read (the parent would import it anyway: nothing to overlap),
at least `MIN_PYTHON_FILES` Python files (an editor saving one handler does not pay for a fork), and
enough templates or Terraform for the parent to load meanwhile (`MIN_LOAD_SECONDS`).

Protocol: length-prefixed pickles over one pair of pipes per worker, one chunk of jobs in flight per
worker (so a write never waits on a worker that is busy). A worker that dies, stops answering within
its deadline or sends something unreadable is killed; what it had not returned is analysed in the
parent (`analysis._run`), so findings never depend on the workers. `close` kills and reaps every
worker; a worker whose parent vanished reads end-of-file and exits.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Sequence

from lambdalint.unread import is_terraform

if TYPE_CHECKING:
    from lambdalint.code.facts import ModuleFacts

Job = tuple[str, str, str, str]  # (path, display, text, mode), as `analysis._job` takes it

# When it pays (bench/README.md, "Overlapping the code analysis", 2 cores, quiet): the workers save
# what the parent loads while they import LibCST (~0.14 s) and half the parse, and cost ~10-30 ms
# (forks, a second LibCST import competing with the parent, pickles). Code-only projects of 15 to
# 99 Python files lost those 10-30 ms; 67 Terraform projects (183 `.tf` files, 40 Python files)
# gained 0.12 s. So the parent must have loading to overlap, estimated from what discovery found:
# Terraform reads at ~1.3 ms a file (tree-sitter included), YAML/JSON templates at ~20 MB/s.
MIN_PYTHON_FILES = 8
MIN_LOAD_SECONDS = 0.08
_TERRAFORM_FILE_SECONDS = 0.0013
_TEMPLATE_CHAR_SECONDS = 1 / 20e6
# Two workers on two cores: 0.54 s against 0.60 s with one on the Terraform projects (the second
# import overlaps too, and the parse is split). A project with as many files as makes the serial
# engine use a pool (`analysis.PARALLEL_THRESHOLD`) gets as many workers as that pool would.
MAX_WORKERS = 2
# How long a chunk may take before its worker is given up: the first chunk also waits for the
# LibCST import; a parse is far below a second per 100 kB, so only a stuck worker gets here.
_BASE_DEADLINE = 30.0
_DEADLINE_PER_MB = 30.0
_HEADER = 8


def start(python_files: Sequence[Path], infrastructure: Sequence[Path],
          templates: Sequence[tuple[Path, str]] = (),
          likely: Callable[[Path], Job | None] | None = None) -> CodeWorkers | None:
    """Warm workers for this run, or None where they are not safe or would not pay. `likely`
    (`analysis.likely_job`): the job each Python file will most likely be, which the workers do
    ahead while the parent loads."""
    if not sys.platform.startswith("linux") or not hasattr(os, "fork"):
        return None
    cpus = os.cpu_count() or 1
    if cpus < 2 or len(python_files) < MIN_PYTHON_FILES or threading.active_count() != 1:
        return None
    if "libcst" in sys.modules or any(p.name == "cdk.json" for p in infrastructure):
        return None
    load = sum(1 for p in infrastructure if is_terraform(p.name)) * _TERRAFORM_FILE_SECONDS + \
        sum(len(text) for _, text in templates) * _TEMPLATE_CHAR_SECONDS
    if load < MIN_LOAD_SECONDS:
        return None
    from lambdalint.code.analysis import PARALLEL_THRESHOLD

    workers = CodeWorkers(min(cpus, 8 if len(python_files) >= PARALLEL_THRESHOLD else MAX_WORKERS),
                          python_files if likely is not None else (), likely)
    return workers if workers.alive else None


class _Worker:
    def __init__(self, pid: int, jobs_fd: int, results_fd: int) -> None:
        self.pid = pid
        self.jobs_fd = jobs_fd
        self.results_fd = results_fd
        self.buffer = bytearray()
        self.chunk: list[int] = []
        self.deadline = 0.0


class CodeWorkers:
    """Forked workers that import LibCST now and analyse jobs later (`run`); `close` when done."""

    def __init__(self, count: int, ahead: Sequence[Path] = (),
                 likely: Callable[[Path], Job | None] | None = None) -> None:
        self._workers: list[_Worker] = []
        self._ahead: dict[str, int] = {}  # the absolute path of a file done ahead -> its worker's pid
        for index in range(count):
            try:
                self._fork(ahead[index::count], likely)
            except OSError:  # out of processes or descriptors: fewer workers, or the serial path
                break

    @property
    def alive(self) -> bool:
        return bool(self._workers)

    def _fork(self, ahead: Sequence[Path], likely: Callable[[Path], Job | None] | None) -> None:
        jobs_r, jobs_w = os.pipe()
        results_r, results_w = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            for fd in (jobs_r, jobs_w, results_r, results_w):
                os.close(fd)
            raise
        if pid == 0:  # the worker: never returns into the engine
            status = 1
            try:
                os.close(jobs_w)
                os.close(results_r)
                for other in self._workers:  # else a sibling would keep this worker's pipes open
                    os.close(other.jobs_fd)
                    os.close(other.results_fd)
                _serve(jobs_r, results_w, ahead, likely)
                status = 0
            finally:
                os._exit(status)  # no atexit handlers, no flushing of the parent's buffers
        os.close(jobs_r)
        os.close(results_w)
        os.set_blocking(jobs_w, False)
        os.set_blocking(results_r, False)
        self._workers.append(_Worker(pid, jobs_w, results_r))
        self._ahead.update((str(path.absolute()), pid) for path in ahead)

    def run(self, jobs: Sequence[Job]) -> list[ModuleFacts | None]:
        """Each job's facts in job order; None where no worker delivered them."""
        results: list[ModuleFacts | None] = [None] * len(jobs)
        if not jobs or not self._workers:
            return results
        try:
            self._run(jobs, results)
        except (OSError, ValueError):  # e.g. a descriptor `select` cannot watch: the parent does the rest
            self.close()
        return results

    def _run(self, jobs: Sequence[Job], results: list[ModuleFacts | None]) -> None:
        import select

        # biggest first, so one long file does not finish alone at the end; a few chunks per
        # worker, as each is a round trip. A job goes to the worker that had its file to do ahead
        # (`_serve`: the other would do it again), the rest to whichever is free; the share of a
        # worker that was dropped goes to the others.
        order = sorted(range(len(jobs)), key=lambda i: -len(jobs[i][2]))
        size = max(1, len(order) // (len(self._workers) * 4))
        queues: dict[int | None, list[int]] = {w.pid: [] for w in self._workers}
        queues[None] = []
        for i in order:
            queues[self._ahead.get(jobs[i][0])].append(i)
        busy: list[_Worker] = []
        while any(queues.values()) or busy:
            for worker in [w for w in self._workers if w not in busy]:
                alive = {w.pid for w in self._workers}  # a failed send below drops a worker
                queue = next((q for q in (queues.get(worker.pid), queues[None]) if q), None) or \
                    max((q for pid, q in queues.items() if pid not in alive), key=len)
                if not queue:
                    continue
                chunk, queue[:size] = queue[:size], []
                if self._send(worker, [(i, jobs[i]) for i in chunk], chunk):
                    busy.append(worker)
                else:
                    queues[None][:0] = chunk  # another worker, or the parent, does it
            if not busy:
                break
            timeout = max(0.0, min(w.deadline for w in busy) - time.monotonic())
            ready, _, _ = select.select([w.results_fd for w in busy], [], [], timeout)
            now = time.monotonic()
            for worker in list(busy):
                if worker.results_fd in ready:
                    done = self._receive(worker)
                    if done is None:
                        continue
                    busy.remove(worker)
                    if done is False:
                        self._drop(worker)
                        continue
                    for index, facts in done:
                        results[index] = facts
                elif now >= worker.deadline:
                    busy.remove(worker)
                    self._drop(worker)

    def _send(self, worker: _Worker, message: object, chunk: list[int]) -> bool:
        import pickle
        import select

        data = pickle.dumps(message, pickle.HIGHEST_PROTOCOL)
        data = len(data).to_bytes(_HEADER, "little") + data
        texts = sum(len(m[1][2]) for m in message)  # type: ignore[attr-defined]
        worker.deadline = time.monotonic() + _BASE_DEADLINE + _DEADLINE_PER_MB * texts / 1e6
        worker.chunk = chunk
        view = memoryview(data)
        try:
            while view:
                _, writable, _ = select.select([], [worker.jobs_fd], [], max(0.0, worker.deadline - time.monotonic()))
                if not writable:
                    raise TimeoutError
                try:
                    view = view[os.write(worker.jobs_fd, view):]
                except BlockingIOError:
                    continue
        except (OSError, ValueError):
            self._drop(worker)
            return False
        return True

    def _receive(self, worker: _Worker) -> list[tuple[int, ModuleFacts]] | bool | None:
        """The chunk's results once they are all here; None: more to read; False: a dead worker."""
        import pickle

        try:
            data = os.read(worker.results_fd, 1 << 20)
        except BlockingIOError:
            return None
        except OSError:
            return False
        if not data:
            return False
        worker.buffer += data
        if len(worker.buffer) < _HEADER:
            return None
        length = int.from_bytes(worker.buffer[:_HEADER], "little")
        if len(worker.buffer) < _HEADER + length:
            return None
        try:
            done = pickle.loads(worker.buffer[_HEADER:_HEADER + length])
            if sorted(index for index, _ in done) != sorted(worker.chunk):
                return False
        except Exception:  # noqa: BLE001 - whatever went wrong, the parent redoes the chunk
            return False
        del worker.buffer[:_HEADER + length]
        return done

    def _drop(self, worker: _Worker) -> None:
        self._workers.remove(worker)
        _end(worker)

    def close(self) -> None:
        """Kill and reap every worker (they hold nothing that needs a clean exit)."""
        while self._workers:
            _end(self._workers.pop())


def _end(worker: _Worker) -> None:
    import signal

    for fd in (worker.jobs_fd, worker.results_fd):
        try:
            os.close(fd)
        except OSError:
            pass
    try:
        os.kill(worker.pid, signal.SIGKILL)
    except OSError:
        pass
    try:
        os.waitpid(worker.pid, 0)
    except ChildProcessError:
        pass


def _serve(jobs_fd: int, results_fd: int, ahead: Sequence[Path] = (),
           likely: Callable[[Path], Job | None] | None = None) -> None:
    """A worker's life: import LibCST at once, analyse its share of the Python files as they will
    most likely be asked for until the first chunk arrives, then each chunk (from what was done
    ahead when it is the same job) until EOF."""
    import pickle
    import select

    import lambdalint.code.extract  # noqa: F401 - the point: LibCST is imported while the parent loads
    from lambdalint.code import analysis

    done_ahead: dict[Job, ModuleFacts] = {}
    if ahead:
        # the parent's loading must not wait on guesses: a project with many Python files besides
        # its handlers would otherwise slow it by a third (three processes on two cores); when the
        # parent waits on the real jobs, a nice worker still has the CPU to itself
        try:
            os.nice(10)
        except OSError:
            pass
    for path in ahead:
        if select.select([jobs_fd], [], [], 0)[0]:
            break  # the parent is waiting on the real jobs now
        job = likely(path) if likely is not None else None
        if job is not None:
            done_ahead[job] = analysis._job(job)
    while True:
        header = _read_exactly(jobs_fd, _HEADER)
        if header is None:
            return
        body = _read_exactly(jobs_fd, int.from_bytes(header, "little"))
        if body is None:
            return
        done = [(index, done_ahead.pop(job, None) or analysis._job(job)) for index, job in pickle.loads(body)]
        data = pickle.dumps(done, pickle.HIGHEST_PROTOCOL)
        data = len(data).to_bytes(_HEADER, "little") + data
        view = memoryview(data)
        while view:
            view = view[os.write(results_fd, view):]


def _read_exactly(fd: int, count: int) -> bytes | None:
    parts: list[bytes] = []
    while count:
        data = os.read(fd, min(count, 1 << 20))
        if not data:
            return None
        parts.append(data)
        count -= len(data)
    return b"".join(parts)
