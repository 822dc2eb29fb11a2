"""The `kaoping` console script: the command line's modules loaded with the cyclic collector off, then frozen."""

import gc


def main() -> None:
    """Console-script entry point. `cli.main` and what it imports (click and ours, ~200 modules) are loaded with the
    collector off and then frozen: they live as long as the process, so the collections their thousands of objects
    set off during the import (~5 ms of a question's CPU, issue 15) could never free anything. The command itself
    runs with the collector on, as before."""
    gc.disable()
    try:
        from cli.main import main as run

        gc.freeze()
    finally:
        gc.enable()
    run()
