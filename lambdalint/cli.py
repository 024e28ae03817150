"""The `lambdalint` command: parse options, call `api.lint`, render, exit.

Exit codes: 0 nothing at or above `--fail-on`, 1 findings, 2 a usage, configuration or internal error
(always one line on stderr, never a traceback).
"""

from __future__ import annotations

import gc
import os
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

import click

from lambdalint import __version__
from lambdalint.config import Config, ConfigError, find_config, load_file, common_start

if TYPE_CHECKING:
    from lambdalint.code.workers import CodeWorkers
    from lambdalint.compiled_cache import CompiledCache
    from lambdalint.registry import Registry

SEVERITY = click.Choice(["error", "warning", "info"])
_UNCHECKED_SHOWN = 10  # lines about unread infrastructure before the rest is left to -v


def _codes(values: Sequence[str]) -> tuple[str, ...] | None:
    codes = tuple(c.strip() for v in values for c in v.split(",") if c.strip())
    return codes or None


class _Progress:
    """A one-line status on stderr for runs that take more than a moment, only on a terminal."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.started = time.monotonic()
        self.shown = False
        self.lock = threading.Lock()

    def __call__(self, what: str) -> None:
        if not self.enabled or time.monotonic() - self.started < 0.5:
            return
        with self.lock:
            self.shown = True
            sys.stderr.write(f"\r\033[Klambdalint: {what}")
            sys.stderr.flush()

    def done(self) -> None:
        if self.shown:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()


def _wants_progress(output_format: str) -> bool:
    return output_format == "text" and sys.stderr.isatty() and not os.environ.get("CI")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="lambdalint")
def cli() -> None:
    """Static analysis for AWS Lambda projects: handler code and templates together."""


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "output_format", type=click.Choice(["text", "json", "sarif", "github", "gitlab"]),
              default="text", show_default=True, help="Report format.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the report to FILE instead of stdout.")
@click.option("--select", multiple=True, help="Rules to check (codes, slugs or prefixes; comma-separated).")
@click.option("--ignore", multiple=True, help="Rules to skip, on top of the configuration.")
@click.option("--extend-select", multiple=True, help="Rules to add to the selection.")
@click.option("--fail-on", type=SEVERITY, help="Lowest severity that makes the exit code 1 [default: warning].")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when there are findings.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Use this configuration file instead of the nearest one.")
@click.option("--stdin-filename", type=click.Path(path_type=Path),
              help="Read the file's text from stdin and lint it as if it were PATH (editors).")
@click.option("--no-hints", is_flag=True, help="Text format: leave out the hint lines.")
@click.option("--fix", is_flag=True, help="Apply safe fixes to the files, then report what is left.")
@click.option("--diff", "show_diff", is_flag=True, help="Print the safe fixes as a unified diff; change nothing.")
@click.option("--verbose", "-v", is_flag=True, help="Also print notes (what could not be checked) to stderr.")
@click.option("--preview", is_flag=True,
              help="Also run the rules still in preview (`lambdalint rules` marks them).")
def check(paths: tuple[Path, ...], output_format: str, output: Path | None, select: tuple[str, ...],
          ignore: tuple[str, ...], extend_select: tuple[str, ...], fail_on: str | None, exit_zero: bool,
          config_path: Path | None, stdin_filename: Path | None, no_hints: bool, fix: bool = False,
          show_diff: bool = False, verbose: bool = False, preview: bool = False) -> None:
    """Check PATHS (files or folders; default: the current folder)."""
    from lambdalint.api import lint
    from lambdalint.render import render

    overlay: dict[Path, str] = {}
    focus: list[Path] | None = None
    fixed_text: str | None = None  # `--fix --stdin-filename`: the buffer with its safe fixes
    if stdin_filename is not None:
        overlay[stdin_filename.absolute()] = sys.stdin.read()
        focus = [stdin_filename]
    else:
        _check_exist(paths)
        focus = _focus(list(paths) or [Path(".")])
    targets = focus or list(paths) or [Path(".")]
    registry = _checked_options(select=select, ignore=ignore, extend_select=extend_select)
    config = _config(config_path, targets)
    config = config.with_overrides(
        select=_codes(select),
        ignore=config.ignore + (_codes(ignore) or ()),
        extend_select=config.extend_select + (_codes(extend_select) or ()),
        fail_on=fail_on,
        preview=True if preview else None,  # the flag only turns preview on; the file may too
    )
    progress = _Progress(_wants_progress(output_format))
    refused: list[str] = []
    try:
        # the worker `__main__` forked for this run, if it did
        prepared = click.get_current_context().obj if not (stdin_filename or fix or show_diff) else None
        report = lint(targets, config, overlay, progress=progress, focus=focus, registry=registry,
                      prepared=prepared)
        if show_diff or fix:
            from lambdalint.code.fix import apply_fixes

            # An editor's buffer is never written: its fixed text goes to stdout (as ruff does).
            on_disk = fix and not show_diff and stdin_filename is None
            changes = apply_fixes(report.findings, write=on_disk, overlay=overlay, refused=refused)
            if show_diff:
                click.echo("".join(change.diff() for change in changes), nl=False)
                if not changes and report.visible:
                    count = len(report.visible)
                    click.echo(f"lambdalint: no safe fix for the {count} finding{'s' if count != 1 else ''}; "
                               "nothing to change", err=True)
                sys.exit(1 if changes else 0)
            if stdin_filename is not None:
                buffer = stdin_filename.absolute()
                overlay[buffer] = next((c.after for c in changes if c.path.absolute() == buffer),
                                       overlay[buffer])
                fixed_text = overlay[buffer]
            for change in changes if on_disk else ():
                click.echo(f"lambdalint: fixed {change.display}", err=True)
            if changes:
                report = lint(targets, config, overlay, progress=progress, focus=focus, registry=registry)
    finally:
        progress.done()
    shown = report.unchecked if verbose or len(report.unchecked) <= _UNCHECKED_SHOWN else \
        report.unchecked[:_UNCHECKED_SHOWN - 1]
    for line in shown:
        click.echo(f"lambdalint: note: {line}", err=True)
    if len(shown) < len(report.unchecked):
        click.echo(f"lambdalint: note: ... and {len(report.unchecked) - len(shown)} more not checked "
                   "(-v lists them)", err=True)
    if verbose:
        for note in report.notes:
            click.echo(f"lambdalint: note: {note}", err=True)
    for error in report.internal_errors:
        click.echo(f"lambdalint: internal error in {error}; please report", err=True)
    colour = output is None and output_format == "text" and sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    options = {"colour": colour, "show_hints": not no_hints} if output_format == "text" else {}
    text = render(report, output_format, **options)
    if output is not None:
        try:
            output.parent.mkdir(parents=True, exist_ok=True)
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"--output {output}: cannot write the report: {exc.strerror or exc}") from None
    elif fixed_text is not None:
        click.echo(text, nl=False, err=True)  # stdout carries the fixed buffer
    else:
        _write_stdout(text)
    if fixed_text is not None:
        _write_stdout(fixed_text)
    for problem in refused:
        click.echo(f"lambdalint: error: cannot fix {problem}", err=True)
    if report.internal_errors or refused:
        sys.exit(2)
    sys.exit(0 if exit_zero or not report.failed(config.fail_on) else 1)


def _checked_options(**options: tuple[str, ...]) -> Registry | None:
    """The registry, once the rule selectors given on the command line are known to it: an
    error names the option, not the configuration file the rest of the selection came from."""
    if not any(options.values()):
        return None
    from lambdalint.registry import Registry

    registry = Registry.installed()
    for name, values in options.items():
        registry.expand_all(_codes(values) or (), f"--{name.replace('_', '-')}")
    return registry


def _check_exist(paths: Sequence[Path]) -> None:
    """A path that does not exist is a mistake (a typo, a stale CI step), never a silent pass."""
    missing = [str(p) for p in paths if not os.path.lexists(p)]
    if missing:
        raise ConfigError(f"{', '.join(missing)}: no such file or directory")


def _focus(paths: list[Path]) -> list[Path] | None:
    """The paths to check within their projects, or None for a plain run over them.

    Files are always checked within their projects (pre-commit passes the changed files). A folder
    inside a project (`lambdalint check` in `src/orders/`) is too: the template above it is what
    makes its modules handlers.
    """
    if all(p.is_file() for p in paths):
        return paths
    from lambdalint.focus import project_root

    for path in paths:
        if path.is_dir() and project_root(path) != Path(os.path.abspath(path)):
            return paths
    return None


def _write_stdout(text: str) -> None:
    """Write and flush now, so a full or closed stdout is one error line, not a crash at exit."""
    try:
        click.echo(text, nl=False)
        sys.stdout.flush()
    except BrokenPipeError:
        raise  # the reader went away: nothing more to say to it
    except OSError as exc:
        raise ConfigError(f"cannot write the report to stdout: {exc.strerror or exc}") from None


def _config(path: Path | None, targets: list[Path]) -> Config:
    if path is None:
        return find_config(common_start(targets))
    if not path.is_file():
        raise ConfigError(f"{path}: no such configuration file")
    config = load_file(path)
    if config is None:
        raise ConfigError(f"{path}: has no [tool.lambdalint] table")
    return config


@cli.command()
@click.argument("name")
def rule(name: str) -> None:
    """Show the documentation of a rule (code or slug)."""
    from lambdalint.registry import Registry

    from lambdalint.docs import rule_page

    found = Registry.installed().get(name)
    if found is None:
        raise ConfigError(f"unknown rule `{name}` (see `lambdalint rules`)")
    click.echo(rule_page(found), nl=False)


@cli.command(name="rules")
def rules_command() -> None:
    """List every rule: code, slug, default severity and summary."""
    from lambdalint.registry import Registry

    table = Registry.installed().rules
    width = max((len(r.slug) for r in table), default=10)
    for item in table:
        preview = "  (preview)" if item.preview else ""
        click.echo(f"{item.code}  {item.slug:<{width}}  {item.severity:<7}  {item.summary}{preview}")


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--function", "function_name", help="Only this function (its logical id or Serverless name).")
@click.option("--format", "output_format", type=click.Choice(["json", "yaml"]), default="yaml", show_default=True,
              help="Output format.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Use this configuration file instead of the nearest one.")
def policy(paths: tuple[Path, ...], function_name: str | None, output_format: str, config_path: Path | None) -> None:
    """Print the least-privilege policy each function's code needs, and what could not be determined."""
    from lambdalint.api import least_privilege

    _check_exist(paths)
    targets = list(paths) or [Path(".")]
    config = _config(config_path, targets)
    documents = least_privilege(targets, config)
    if function_name is not None:
        documents = [d for d in documents if d["function"] == function_name]
        if not documents:
            raise ConfigError(f"no Python function `{function_name}` was found")
    if output_format == "json":
        import json

        click.echo(json.dumps({"functions": documents}, indent=2))
    else:
        import yaml

        click.echo(yaml.safe_dump({"functions": documents}, sort_keys=False, width=100), nl=False)


@cli.command()
def server() -> None:
    """Run the language server on stdio (needs the `lsp` extra, i.e. pygls)."""
    try:
        from lambdalint.server import main as serve
    except ImportError as exc:
        raise ConfigError(f"the language server needs pygls: install lambdalint with its `lsp` extra "
                          f"(pip install '.[lsp]' in a clone) or pip install 'pygls>=2,<3' ({exc})") from None
    gc.enable()  # `main` turns it off for short runs; a server lives for hours
    sys.exit(serve())


def main(argv: Sequence[str] | None = None, prepared: CodeWorkers | None = None) -> None:
    """`prepared`: the handler-code worker `__main__` forked first (`check` passes it to `lint`);
    closed here whatever happens."""
    # A run is short and its model lives until the end: the cyclic collector would only rescan it.
    # Restored afterwards for callers in a longer-lived process (tests, scripts).
    collecting = gc.isenabled()
    gc.disable()
    try:
        cli.main(args=list(argv) if argv is not None else None, prog_name="lambdalint", standalone_mode=False,
                 obj=prepared)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.UsageError as exc:
        click.echo(f"lambdalint: error: {exc.format_message()}{_path_hint(exc, argv)}", err=True)
        sys.exit(2)
    except click.Abort:
        click.echo("lambdalint: aborted", err=True)
        sys.exit(130)
    except ConfigError as exc:
        click.echo(f"lambdalint: error: {exc}", err=True)
        sys.exit(2)
    except BrokenPipeError:
        # The reader stopped early (`| head`): not a finding, and stdout can take nothing more.
        _silence_stdout()
        sys.exit(2)
    except Exception as exc:  # noqa: BLE001 - a bug must still be one line and exit 2, never exit 1
        if os.environ.get("LAMBDALINT_DEBUG"):
            raise
        from lambdalint.api import describe_error

        click.echo(f"lambdalint: internal error in {describe_error(exc)}; please report", err=True)
        sys.exit(2)
    finally:
        if prepared is not None:
            prepared.close()
        if collecting:
            gc.enable()


def _path_hint(exc: click.UsageError, argv: Sequence[str] | None) -> str:
    """`lambdalint src/` (cfn-lint's habit) names a path where a command goes: say how to check it."""
    args = list(argv) if argv is not None else sys.argv[1:]
    if exc.ctx is None or exc.ctx.invoked_subcommand is not None or not args or args[0].startswith("-"):
        return ""
    if "No such command" not in exc.format_message():
        return ""
    return f" (to check that path: lambdalint check {args[0]})" if os.path.exists(args[0]) else ""


def _silence_stdout() -> None:
    # Python flushes stdout once more at exit and would print a second error about the same pipe.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def run(prepared: CodeWorkers | None = None, compiled: CompiledCache | None = None) -> None:
    """The console script: `main`, then leave without tearing the model down (`compiled`: the
    process's cache of compiled dataclass methods, saved before leaving).

    Freeing the hundreds of thousands of objects a large run builds takes a quarter of a corpus
    scan's time, and the process is about to end anyway; mypy exits the same way. Output is
    flushed first, and files were closed when they were written.
    """
    code: int | str | None = 0
    try:
        main(prepared=prepared)
    except SystemExit as exc:
        code = exc.code
    if isinstance(code, str):  # `sys.exit("message")` prints the message and means failure
        print(code, file=sys.stderr)
        code = 2
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except ValueError:  # closed: the language server closes stdout on `exit`
            pass
        except OSError:
            code = code or 2  # what could not be written was already reported, or cannot be
    if compiled is not None:
        compiled.save()
    os._exit(code or 0)
