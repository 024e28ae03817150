"""`python -m lambdalint` and the `lambdalint` command (console script `lambdalint.__main__:run`)."""

import gc


def run() -> None:
    # One short process whose objects all live until it exits: the cyclic collector would only
    # rescan them, from the first import on (`lambdalint server` turns it back on).
    gc.disable()
    from lambdalint.cli import run as cli_run

    cli_run()


if __name__ == "__main__":
    run()
