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
from typing import Sequence

import click

from lambdalint import __version__
from lambdalint.config import Config, ConfigError, find_config, load_file, common_start

SEVERITY = click.Choice(["error", "warning", "info"])


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
def check(paths: tuple[Path, ...], output_format: str, output: Path | None, select: tuple[str, ...],
          ignore: tuple[str, ...], extend_select: tuple[str, ...], fail_on: str | None, exit_zero: bool,
          config_path: Path | None, stdin_filename: Path | None, no_hints: bool, fix: bool = False,
          show_diff: bool = False, verbose: bool = False) -> None:
    """Check PATHS (files or folders; default: the current folder)."""
    from lambdalint.api import lint
    from lambdalint.render import render

    overlay: dict[Path, str] = {}
    focus: list[Path] | None = None
    if stdin_filename is not None:
        overlay[stdin_filename.absolute()] = sys.stdin.read()
        focus = [stdin_filename]
    elif paths and all(p.is_file() for p in paths):
        focus = list(paths)  # pre-commit passes the changed files: check them within their projects
    targets = focus or list(paths) or [Path(".")]
    config = _config(config_path, targets)
    config = config.with_overrides(
        select=_codes(select),
        ignore=config.ignore + (_codes(ignore) or ()),
        extend_select=config.extend_select + (_codes(extend_select) or ()),
        fail_on=fail_on,
    )
    progress = _Progress(_wants_progress(output_format))
    refused: list[str] = []
    try:
        report = lint(targets, config, overlay, progress=progress, focus=focus)
        if show_diff or fix:
            from lambdalint.code.fix import apply_fixes

            changes = apply_fixes(report.findings, write=fix and not show_diff and stdin_filename is None,
                                  overlay=overlay, refused=refused)
            if show_diff:
                click.echo("".join(change.diff() for change in changes), nl=False)
                sys.exit(1 if changes else 0)
            if changes:
                for change in changes:
                    click.echo(f"lambdalint: fixed {change.display}", err=True)
                report = lint(targets, config, overlay, progress=progress, focus=focus)
    finally:
        progress.done()
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
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"cannot write the report to {output}: {exc.strerror or exc}") from None
    else:
        _write_stdout(text)
    for problem in refused:
        click.echo(f"lambdalint: error: cannot fix {problem}", err=True)
    if report.internal_errors or refused:
        sys.exit(2)
    sys.exit(0 if exit_zero or not report.failed(config.fail_on) else 1)


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

    found = Registry.installed().get(name)
    if found is None:
        raise ConfigError(f"unknown rule `{name}` (see `lambdalint rules`)")
    click.echo(f"# {found.code} {found.slug} ({found.severity})\n\n{found.summary}.\n")
    click.echo(found.docs.strip())


@cli.command(name="rules")
def rules_command() -> None:
    """List every rule: code, slug, default severity and summary."""
    from lambdalint.registry import Registry

    table = Registry.installed().rules
    width = max((len(r.slug) for r in table), default=10)
    for item in table:
        click.echo(f"{item.code}  {item.slug:<{width}}  {item.severity:<7}  {item.summary}")


@cli.command()
def server() -> None:
    """Run the language server on stdio (needs the `lsp` extra: pip install 'lambdalint[lsp]')."""
    try:
        from lambdalint.server import main as serve
    except ImportError as exc:
        raise ConfigError(f"the language server needs pygls: pip install 'lambdalint[lsp]' ({exc})") from None
    gc.enable()  # `main` turns it off for short runs; a server lives for hours
    serve()


def main(argv: Sequence[str] | None = None) -> None:
    # A run is short and its model lives until the end: the cyclic collector would only rescan it.
    # Restored afterwards for callers in a longer-lived process (tests, scripts).
    collecting = gc.isenabled()
    gc.disable()
    try:
        cli.main(args=list(argv) if argv is not None else None, prog_name="lambdalint", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.UsageError as exc:
        click.echo(f"lambdalint: error: {exc.format_message()}", err=True)
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
        from lambdalint.api import describe_error

        click.echo(f"lambdalint: internal error in {describe_error(exc)}; please report", err=True)
        sys.exit(2)
    finally:
        if collecting:
            gc.enable()


def _silence_stdout() -> None:
    # Python flushes stdout once more at exit and would print a second error about the same pipe.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def run() -> None:
    """The console script: `main`, then leave without tearing the model down.

    Freeing the hundreds of thousands of objects a large run builds takes a quarter of a corpus
    scan's time, and the process is about to end anyway; mypy exits the same way. Output is
    flushed first, and files were closed when they were written.
    """
    code: int | str | None = 0
    try:
        main()
    except SystemExit as exc:
        code = exc.code
    if isinstance(code, str):  # `sys.exit("message")` prints the message and means failure
        print(code, file=sys.stderr)
        code = 2
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            code = code or 2  # what could not be written was already reported, or cannot be
    os._exit(code or 0)
