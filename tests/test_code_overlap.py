"""Handler-code workers forked right after discovery (`lambdalint.code.workers`): same report as the
serial path, LibCST imported once (by the leader, which forks the other workers), a crashing or
stuck worker (the leader too, before it forks) loses nothing, no process outlives the run, and the
path is not taken where it is unsafe or does not pay.

The runs that fork are probes in a fresh interpreter: in the test process LibCST is already
imported (nothing left to overlap, so the engine stays serial) and pytest may run threads.
"""

from __future__ import annotations

import json
import marshal
import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import pytest

from conftest import FIXTURES, SHARED, requires_shared, write_tree
from lambdalint.code import workers

# Real-looking projects that together hold more Python files than `MIN_PYTHON_FILES`: Terraform,
# SAM and Serverless functions, handlers bound to methods (a second batch of jobs), drivers,
# a module LibCST cannot parse (an LL001 from the facts).
PROJECTS = ["sam-nested-packages", "mixed-broken", "method-handlers", "database-drivers", "terraform-orders",
            "serverless-service-layout", "platform-features", "code-meets-config", "decorated-handlers"]

# Worker processes of a closed `CodeWorkers` still running: members of the leader's process group
# and the given pids. The group is killed at once but not waited for (the parent can reap only the
# leader), so this gives the kernel up to a minute to finish.
RUNNING = r"""
def running(group, pids=()):
    import os, time
    deadline = time.monotonic() + 60
    while True:
        found = []
        for entry in filter(str.isdigit, os.listdir("/proc")):
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    state, _, pgrp = stat.read().rsplit(")", 1)[1].split()[:3]
            except (OSError, ValueError):
                continue
            if state not in "ZX" and (int(pgrp) == group or int(entry) in pids):
                found.append(int(entry))
        if not found or time.monotonic() > deadline:
            return found
        time.sleep(0.05)
"""
exec(RUNNING)

PROBE = RUNNING + r"""
import json, os, sys, time
from pathlib import Path
import lambdalint.api as api
import lambdalint.code.jobs as jobs
import lambdalint.code.workers as workers
from lambdalint.config import Config

spec = json.loads(sys.argv[1])
mode, parent = spec["mode"], os.getpid()
pids, delivered, sent = [], [], []
real_init, real_run, real_job = workers.CodeWorkers.__init__, workers.CodeWorkers.run, jobs.analyse_job
real_serve = workers._serve
# what the workers did, one line per event, appended by whichever process it happened in
trace = os.open(spec["trace"], os.O_WRONLY | os.O_APPEND)

def note(event):
    os.write(trace, f"{event} {os.getpid()}\n".encode())

def events(event):
    with open(spec["trace"]) as lines:
        return [int(pid) for name, pid in map(str.split, lines) if name == event]

class LibCSTImports:  # a worker that imports LibCST says so (the parent's own import is `libcst_in_parent`)
    def find_spec(self, name, path=None, target=None):
        if name == "libcst" and os.getpid() != parent:
            note("import")
            if mode == "leader-dies":
                os._exit(9)
            if mode == "leader-hangs":
                time.sleep(3600)
        return None

sys.meta_path.insert(0, LibCSTImports())

def init(self, *args, **kwargs):
    real_init(self, *args, **kwargs)
    if self._leader:
        pids.append(self._leader)

def run(self, jobs):
    sent.append([time.monotonic(), [[j[0], j[3]] for j in jobs]])
    results = real_run(self, jobs)
    delivered.append([len(jobs), sum(r is not None for r in results)])
    return results

def job(job):
    if spec.get("log") and os.getpid() != parent:  # which process analysed what, and when
        with open(spec["log"], "a") as log:
            log.write(json.dumps([os.getpid(), time.monotonic(), job[0], job[3]]) + "\n")
    if os.getpid() != parent:
        note("job")
    if os.getpid() != parent and mode == "terminal":  # as a warning printed while parsing would be
        sys.stderr.write(f"worker {os.getpid()}: {job[1]}\n")
        sys.stderr.flush()
    if os.getpid() != parent and (mode == "crash" or (mode == "crash-one" and job[0].endswith(spec["victim"]))):
        os._exit(7)
    if os.getpid() != parent and mode == "hang":
        time.sleep(3600)
    return real_job(job)

def serve(*args):
    note("serve")
    real_serve(*args)

workers.CodeWorkers.__init__, workers.CodeWorkers.run, jobs.analyse_job, workers._serve = init, run, job, serve
if spec.get("min_load") is not None:  # the fixtures are small: load them as if they were big
    workers.MIN_LOAD_SECONDS = spec["min_load"]
if mode == "serial":
    workers.start = lambda *args: None
if not spec.get("ahead", True):  # the leader forks the others at once: every worker meets the jobs
    workers._ahead = lambda *args: {}
if mode in ("hang", "leader-hangs"):
    workers._BASE_DEADLINE = 0.5
if mode == "select-fails":  # as with a descriptor above FD_SETSIZE
    import select
    def fail(*args):
        raise ValueError("filedescriptor out of range in select()")
    select.select = fail
if spec.get("slow_load"):  # the templates take long to load: the leader finishes its files ahead
    real_build = api.build_project
    def build(*args):
        project = real_build(*args)
        time.sleep(spec["slow_load"])
        return project
    api.build_project = build
def alive(pids):  # the leader: reaped by `close`, or still ours
    found = []
    for pid in pids:
        try:
            if os.waitpid(pid, os.WNOHANG) == (0, 0):
                found.append(pid)
        except ChildProcessError:
            pass
    return found

if mode in ("raise", "interrupt"):
    def build(*args):
        # once every worker serves (a minute at most), so that the forked ones are there to kill
        deadline = time.monotonic() + 60
        while len(events("serve")) < spec["serving"] and time.monotonic() < deadline:
            time.sleep(0.01)
        raise RuntimeError("loader bug") if mode == "raise" else KeyboardInterrupt
    api.build_project = build
root = Path(spec["root"])
overlay = {root / name: text for name, text in spec.get("overlay", {}).items()}
# as the `lambdalint` command does first thing (`__main__`): the leader forked before the run is set up
if spec.get("compiled"):  # the command's cache of compiled dataclass methods, which the leader saves
    from lambdalint.compiled_cache import install
    sys.dont_write_bytecode = False
    prepared = workers.prepare(install({"LAMBDALINT_CACHE_DIR": spec["compiled"]}))
else:
    prepared = workers.prepare() if spec.get("prepared") else None
try:
    result = api.lint([root / p for p in spec["paths"]], Config(root=root), overlay=overlay or None, cwd=root,
                      prepared=prepared)
except KeyboardInterrupt:  # as Ctrl-C in a terminal, which the workers in their own process group do not get
    print(json.dumps({"interrupted": True, "pids": pids, "served": events("serve"),
                      "alive": alive(pids) + running(pids[0] if pids else -1, events("serve"))}))
    sys.exit(0)
project = result.project

print(json.dumps({
    "findings": [[f.code, f.span.path, repr((f.slug, f.severity, f.message, f.hint, f.span, f.function,
                                             f.related, f.resource, f.suppressed, f.fix))]
                 for f in result.findings],
    "files": result.files, "functions": result.functions, "notes": result.notes,
    "unchecked": result.unchecked, "errors": result.internal_errors,
    "sources": list(project.sources) if project else None,
    "problems": [repr(p) for p in project.problems] if project else None,
    "modules": [[str(p), m.display, m.full, m.error] for p, m in project.code.modules.items()]
               if project and project.code else None,
    "pids": pids, "delivered": delivered, "sent": sent,
    "alive": alive(pids) + running(pids[0] if pids else -1, events("serve") + events("import")),
    "served": events("serve"), "imports": events("import"), "jobs": events("job"),
    "libcst_in_parent": "libcst" in sys.modules,
}))
"""


def probe(root: Path, paths: list[str], mode: str = "warm", **extra: object) -> dict:
    with tempfile.NamedTemporaryFile(prefix="lambdalint-workers-") as trace:
        env, spec = _probe_spec(root, paths, mode, trace.name, extra)
        run = subprocess.run([sys.executable, "-c", PROBE, spec], capture_output=True, text=True, env=env,
                             timeout=300)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def probe_on_a_terminal(root: Path, paths: list[str], mode: str, **extra: object) -> dict:
    """`probe` as run in a terminal, its stdin, stdout and stderr a pty set to `stty tostop`: a
    process outside the foreground process group that writes to it is stopped (SIGTTOU)."""
    import pty
    import termios

    with tempfile.NamedTemporaryFile(prefix="lambdalint-workers-") as trace:
        env, spec = _probe_spec(root, paths, mode, trace.name, extra)
        pid, terminal = pty.fork()
        if pid == 0:  # a new session whose foreground group is the probe's
            try:
                attributes = termios.tcgetattr(0)
                attributes[3] |= termios.TOSTOP
                termios.tcsetattr(0, termios.TCSANOW, attributes)
                os.execve(sys.executable, [sys.executable, "-c", PROBE, spec], env)
            finally:
                os._exit(1)
        output = bytearray()
        while True:
            try:
                data = os.read(terminal, 1 << 16)
            except OSError:  # EIO: the probe and everything holding the terminal are gone
                break
            if not data:
                break
            output += data
        os.close(terminal)
        _, status = os.waitpid(pid, 0)
    text = output.decode()
    assert os.waitstatus_to_exitcode(status) == 0, text
    return json.loads([line for line in text.splitlines() if line.startswith("{")][-1])


def _probe_spec(root: Path, paths: list[str], mode: str, trace: str,
                extra: dict) -> tuple[dict[str, str], str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONHASHSEED"] = "0"  # fix texts' hashes (`text_hash`) alike in both runs compared
    return env, json.dumps({"mode": mode, "root": str(root), "paths": paths, "min_load": 0, "trace": trace,
                            "serving": WORKERS, **extra})


WORKERS = min(os.cpu_count() or 1, workers.MAX_WORKERS)
TRACES = ("pids", "delivered", "sent", "alive", "served", "imports", "jobs", "libcst_in_parent")


def report(found: dict) -> dict:
    return {k: v for k, v in found.items() if k not in TRACES}


@pytest.fixture(scope="module")
def serial() -> dict:
    found = probe(FIXTURES / "projects", PROJECTS, "serial")
    assert found["pids"] == [] and found["libcst_in_parent"]
    return found


def test_warm_workers_give_the_serial_report(serial: dict) -> None:
    warm = probe(FIXTURES / "projects", PROJECTS)
    # one child, the leader; it imported LibCST, the only process to do so, then forked the others,
    # and only workers analysed (what the leader did ahead, the others inherited)
    leader = warm["pids"]
    assert len(leader) == 1 and warm["imports"] == leader
    assert len(set(warm["served"])) == len(warm["served"]) == WORKERS >= 1 and leader[0] in warm["served"]
    assert leader[0] in warm["jobs"] and set(warm["jobs"]) <= set(warm["served"])
    # every job came back from a worker, and the parent never imported LibCST
    assert warm["delivered"] and all(jobs == done for jobs, done in warm["delivered"])
    assert sum(jobs for jobs, _ in warm["delivered"]) >= workers.MIN_PYTHON_FILES
    assert not warm["libcst_in_parent"]
    assert report(warm) == report(serial)
    # the report is a real one: handler findings, an unparsable module, methods as handlers
    codes = {code for code, _, _ in serial["findings"]}
    assert {"LL001", "LL101"} <= codes
    assert any(error for _, _, _, error in serial["modules"])
    assert warm["alive"] == []


@requires_shared
def test_warm_workers_give_the_serial_report_on_the_shared_terraform_projects() -> None:
    root = SHARED / "projects" / "terraform"
    if not root.is_dir():
        pytest.skip("../shared/projects/terraform is not next to the project")
    serial = probe(root, ["."], "serial", min_load=None)
    warm = probe(root, ["."], min_load=None)  # as a user's run decides
    assert warm["pids"] and warm["delivered"][0][0] >= 30 and not warm["libcst_in_parent"]
    assert warm["imports"] == warm["pids"] and len(set(warm["served"])) == WORKERS
    assert report(warm) == report(serial)
    assert len(serial["findings"]) > 100 and warm["alive"] == []


def test_a_worker_that_crashes_on_its_first_job_loses_no_finding(serial: dict) -> None:
    crashed = probe(FIXTURES / "projects", PROJECTS, "crash")
    assert crashed["pids"] and all(done == 0 for _, done in crashed["delivered"])
    assert report(crashed) == report(serial)
    assert crashed["alive"] == []


def test_one_worker_crashing_leaves_the_others_chunks_and_the_parent_redoes_its_own(serial: dict) -> None:
    crashed = probe(FIXTURES / "projects", PROJECTS, "crash-one", victim="method-handlers/src/payments/app.py")
    jobs, done = crashed["delivered"][0]
    assert done < jobs
    assert report(crashed) == report(serial)
    assert crashed["alive"] == []


def test_a_stuck_worker_is_given_up_after_its_deadline(serial: dict) -> None:
    # the workers the leader forked are stuck too: only `close` can end them, by their process group
    stuck = probe(FIXTURES / "projects", PROJECTS, "hang", ahead=False)
    assert stuck["pids"] and all(done == 0 for _, done in stuck["delivered"])
    assert len(set(stuck["jobs"])) == WORKERS
    assert report(stuck) == report(serial)
    assert stuck["alive"] == []


@pytest.mark.parametrize("mode, extra", [
    ("leader-dies", {}),  # while importing LibCST
    ("leader-hangs", {}),  # while importing LibCST
    ("hang", {"slow_load": 1.0}),  # on the first file it does ahead, the parent still loading
    ("leader-dies", {"prepared": True}),  # forked first, before its plan
    ("leader-hangs", {"prepared": True}),
    ("hang", {"slow_load": 1.0, "prepared": True}),
], ids=["dies-importing", "stuck-importing", "stuck-ahead", "first-dies-importing", "first-stuck-importing",
        "first-stuck-ahead"])
def test_a_leader_that_never_forks_loses_no_finding(serial: dict, mode: str, extra: dict) -> None:
    # the other workers never come, their pipes read end-of-file; the leader's own misses its deadline
    lost = probe(FIXTURES / "projects", PROJECTS, mode, **extra)
    assert lost["pids"] and lost["imports"] == lost["pids"] and lost["served"] == []
    # a leader forked first may be dead before the run tells it its plan: then it is sent no job
    assert (lost["delivered"] or extra.get("prepared")) and all(done == 0 for _, done in lost["delivered"])
    assert report(lost) == report(serial)
    assert lost["alive"] == []


def test_a_leader_forked_before_the_run_is_set_up_gives_the_serial_report(serial: dict) -> None:
    first = probe(FIXTURES / "projects", PROJECTS, prepared=True)
    # forked by `prepare` with a pipe for each worker the machine could use; told the run's plan
    # (two workers here) once LibCST was in, it forked the others and they did every job
    leader = first["pids"]
    assert len(leader) == 1 and first["imports"] == leader
    assert len(set(first["served"])) == len(first["served"]) == WORKERS and leader[0] in first["served"]
    assert first["delivered"] and all(jobs == done for jobs, done in first["delivered"])
    assert not first["libcst_in_parent"]
    assert report(first) == report(serial)
    assert first["alive"] == []


def test_a_leader_forked_first_saves_the_dataclass_methods_libcst_had_compiled(serial: dict, tmp_path: Path) -> None:
    # the leader leaves by `os._exit`, past the parent's own save: LibCST's methods, compiled in
    # the leader only, are kept by the leader itself once it has imported LibCST
    first = probe(FIXTURES / "projects", PROJECTS, prepared=True, compiled=str(tmp_path))
    assert not first["libcst_in_parent"] and first["served"]
    [cached] = tmp_path.iterdir()
    assert any(key[0] == "exec" and "def __init__(self" in key[2] and "lpar" in key[2]
               for key in marshal.loads(cached.read_bytes()))
    assert report(first) == report(serial)
    assert first["alive"] == []


def test_a_leader_forked_first_for_a_run_with_no_code_to_overlap_is_ended(tmp_path: Path) -> None:
    # a template and two handlers: too little for workers to pay, so the run tells the leader no
    # plan, analyses in its own process, and nothing outlives it
    write_tree(tmp_path, {"template.yaml": "Transform: AWS::Serverless-2016-10-31\nResources:\n  Fn:\n"
                          "    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: src/\n"
                          "      Handler: app.handler\n      Runtime: python3.12\n",
                          "src/app.py": "import boto3\n\ndef handler(event, context):\n    return boto3.client('s3')\n",
                          "src/util.py": "def helper():\n    return 1\n"})
    alone = probe(tmp_path, ["."], prepared=True, min_load=None)
    assert alone["pids"] and alone["served"] == [] and alone["delivered"] == [] and alone["jobs"] == []
    assert alone["libcst_in_parent"] and any(code == "LL101" for code, _, _ in alone["findings"])
    assert alone["alive"] == []


def test_a_parent_that_cannot_wait_on_its_workers_analyses_alone(serial: dict) -> None:
    failed = probe(FIXTURES / "projects", PROJECTS, "select-fails")
    assert failed["pids"] and all(done == 0 for _, done in failed["delivered"])
    assert report(failed) == report(serial)
    assert failed["alive"] == []


def test_workers_are_reaped_when_loading_raises() -> None:
    broken = probe(FIXTURES / "projects", PROJECTS, "raise")
    assert broken["pids"] and broken["delivered"] == [] and len(broken["served"]) == WORKERS
    assert broken["errors"] and "loader bug" in broken["errors"][0]
    assert broken["alive"] == []


def test_workers_writing_to_a_terminal_that_stops_background_writers_are_not_stopped(serial: dict) -> None:
    # the workers are not the terminal's foreground process group: with `stty tostop` their first
    # write (a warning, say) would stop them until their deadline, and the parent would redo it all
    written = probe_on_a_terminal(FIXTURES / "projects", PROJECTS, "terminal", ahead=False)
    assert written["delivered"] and all(jobs == done for jobs, done in written["delivered"])
    assert len(set(written["jobs"])) == WORKERS
    assert report(written) == report(serial)
    assert written["alive"] == []


def test_ctrl_c_ends_every_worker() -> None:
    # a terminal's SIGINT goes to the foreground process group: not to the workers' own group, so
    # the engine's `finally` must end them
    interrupted = probe(FIXTURES / "projects", PROJECTS, "interrupt")
    assert interrupted["interrupted"] and interrupted["pids"] and len(interrupted["served"]) == WORKERS
    assert interrupted["alive"] == []


def test_workers_with_no_jobs_are_shut_down(tmp_path: Path) -> None:
    # Python files, but no function and nothing handler-shaped: the workers never get a job
    write_tree(tmp_path, {f"tools/t{i}.py": f"def main(argv):\n    return {i}\n" for i in range(10)})
    idle = probe(tmp_path, ["."])
    assert idle["pids"] and all(jobs == 0 for jobs, _ in idle["delivered"])
    assert idle["alive"] == [] and idle["findings"] == []


def test_an_editor_buffer_is_what_the_workers_analyse(tmp_path: Path) -> None:
    files = {f"h{i}.py": "import boto3\n\ndef handler(event, context):\n    return 1\n" for i in range(10)}
    write_tree(tmp_path, files)
    buffer = "import boto3\n\ndef handler(event, context):\n    return boto3.client('s3')\n"
    warm = probe(tmp_path, ["."], overlay={"h3.py": buffer})
    serial = probe(tmp_path, ["."], "serial", overlay={"h3.py": buffer})
    assert warm["pids"] and warm["delivered"][0][0] == warm["delivered"][0][1]
    assert report(warm) == report(serial)
    assert [path for code, path, _ in warm["findings"] if code == "LL101"] == ["h3.py"]


def test_a_single_handler_saved_in_an_editor_forks_nothing(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app.py": "def handler(event, context):\n    return 1\n"})
    saved = probe(tmp_path, ["app.py"], min_load=None, overlay={"app.py": "import boto3\n\ndef handler(event, context):\n"
                                                           "    return boto3.client('s3')\n"})
    assert saved["pids"] == [] and saved["libcst_in_parent"]
    assert any(code == "LL101" for code, _, _ in saved["findings"])


MANY = [Path(f"h{i}.py") for i in range(workers.MIN_PYTHON_FILES)]


@pytest.fixture
def no_libcst(monkeypatch: pytest.MonkeyPatch) -> None:
    # as in a fresh CLI process; only `start`'s decision reads this, nothing is imported meanwhile
    for name in [n for n in sys.modules if n == "libcst" or n.startswith("libcst.")]:
        monkeypatch.delitem(sys.modules, name)


@pytest.mark.skipif(not sys.platform.startswith("linux") or (os.cpu_count() or 1) < 2,
                    reason="workers are forked on Linux with two CPUs or more")
def test_start_forks_only_where_it_is_safe_and_pays(no_libcst: None) -> None:
    assert threading.active_count() == 1, "the test process itself runs threads"
    terraform = [Path(f"m{i}/main.tf") for i in range(100)]
    assert workers.start(MANY[:-1], terraform) is None  # too few Python files
    assert workers.start(MANY, terraform + [Path("cdk.json")]) is None  # the parent imports LibCST anyway
    # nothing much to load meanwhile: the forks would cost more than they save
    assert workers.start(MANY, terraform[:5], [(Path("template.yaml"), "Resources: {}\n")]) is None
    assert workers.start(MANY * 10, [], [(Path("template.yaml"), "Resources: {}\n")]) is None
    started = workers.start(MANY, terraform)
    assert started is not None and started.alive and len(started._workers) == WORKERS
    leader = started._leader
    started.close()
    assert not started.alive
    with pytest.raises(ChildProcessError):
        os.waitpid(leader, os.WNOHANG)
    assert running(leader) == []  # noqa: F821 - defined by `exec(RUNNING)`


def test_start_forks_nothing_while_another_thread_runs(no_libcst: None) -> None:
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert workers.start(MANY, [Path(f"m{i}/main.tf") for i in range(100)]) is None
    finally:
        stop.set()
        thread.join()


def test_start_forks_nothing_once_libcst_is_imported() -> None:
    import libcst  # noqa: F401

    assert workers.start(MANY, [Path(f"m{i}/main.tf") for i in range(100)]) is None


def _analysed(log: Path) -> list[tuple[int, float, str, str]]:
    return [tuple(json.loads(line)) for line in log.read_text().splitlines()] if log.exists() else []


def test_files_done_ahead_while_the_templates_load_are_not_analysed_again(serial: dict, tmp_path: Path) -> None:
    log = tmp_path / "jobs.log"
    ahead = probe(FIXTURES / "projects", PROJECTS, slow_load=2.0, log=str(log))
    assert report(ahead) == report(serial)
    (sent_at, jobs), = [batch for batch in ahead["sent"] if batch[1]][:1]
    analysed = _analysed(log)
    before = {(path, mode) for _, at, path, mode in analysed if at < sent_at}
    after = [(path, mode) for _, at, path, mode in analysed if at >= sent_at]
    # the workers used the wait: most of the handler modules were analysed before they were asked for
    assert len(before & {tuple(job) for job in jobs}) >= len(jobs) // 2
    # and what was done ahead is not done twice: only jobs no worker guessed are analysed after
    assert after and all(job not in before for job in after)
    assert sorted(after) == sorted(tuple(job) for job in jobs if tuple(job) not in before)


def test_a_buffer_that_differs_from_the_file_done_ahead_is_analysed_as_the_buffer(tmp_path: Path) -> None:
    files = {f"h{i}.py": "import boto3\n\ndef handler(event, context):\n    return 1\n" for i in range(10)}
    write_tree(tmp_path / "project", files)
    buffer = "import boto3\n\ndef handler(event, context):\n    return boto3.client('s3')\n"
    log = tmp_path / "jobs.log"
    warm = probe(tmp_path / "project", ["."], overlay={"h3.py": buffer}, slow_load=1.0, log=str(log))
    serial = probe(tmp_path / "project", ["."], "serial", overlay={"h3.py": buffer})
    assert report(warm) == report(serial)
    assert any(f[0] == "LL101" and f[1] == "h3.py" for f in warm["findings"])
    (sent_at, _), = [batch for batch in warm["sent"] if batch[1]][:1]
    # h3.py was done ahead from the disk, then again from the buffer the parent sent
    assert [at >= sent_at for _, at, path, _ in _analysed(log) if path.endswith("/h3.py")] == [False, True]


@pytest.mark.parametrize("args, forks", [
    (["check"], True),
    (["check", "."], True),
    (["check", "--format", "json", "."], True),
    (["check", "src", "infra", "-o", "report.sarif"], True),
    (["check", "src/app.py"], False),  # a list of files: pre-commit, an editor's save
    (["check", "--stdin-filename", "src/app.py"], False),
    (["check", "--stdin-filename=src/app.py"], False),
    (["check", "--fix", "."], False),
    (["check", "--diff"], False),
    (["check", "--help"], False),
    (["rules"], False),
    (["server"], False),
    ([], False),
])
def test_the_command_forks_its_code_worker_first_only_for_runs_over_folders(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], forks: bool) -> None:
    from lambdalint import __main__

    write_tree(tmp_path, {"src/app.py": "def handler(event, context):\n    return 1\n", "infra/main.tf": ""})
    monkeypatch.chdir(tmp_path)
    prepared = []
    monkeypatch.setattr(workers, "prepare", lambda compiled=None: prepared.append(True) or "leader")
    assert __main__._prepared(args) == ("leader" if forks else None)
    assert prepared == ([True] if forks else [])


RELEASE_PROBE = """
import os, sys, time
from lambdalint.code import workers
pool = workers.CodeWorkers(1)
leader = pool._leader
assert pool.alive and leader
pool.release()  # no more jobs: the leader reads end-of-file and leaves on its own
deadline = time.monotonic() + 60
gone = 0
while not gone and time.monotonic() < deadline:
    gone = os.waitpid(leader, os.WNOHANG)[0]
    time.sleep(0.01)
print("gone" if gone == leader else "alive")
pool._leader = 0  # reaped here already: `close` has nothing left to wait for
pool.close()
"""


def test_released_workers_leave_on_their_own() -> None:
    """`release` (the engine's, once the last job is answered): the workers exit while the rules
    run, so `close` reaps a leader that is already gone instead of killing it and waiting."""
    run = subprocess.run([sys.executable, "-c", RELEASE_PROBE], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "gone"
