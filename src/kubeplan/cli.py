"""The ``kubeplan`` command line.

Each subcommand lives in ``kubeplan/commands/<name>.py`` (a click command or group named
like the module) and is imported only when it runs, so ``kubeplan lint`` never pays for
the chart renderer or the scheduler.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys

import click

from kubeplan import __version__

# name -> one-line help, shown by --help without importing the command
COMMANDS = {
    "lint": "Validate manifests: schema, Pod Security Standards, policies.",
    "render": "Render a chart or kustomization into plain manifests.",
    "plan": "Dry-run the controllers and scheduler: where every pod lands.",
    "check": "Render, lint and plan in one run, with one report and exit code.",
    "policies": "List, explain and test policies.",
    "rbac": "Effective RBAC permissions: can-i, who-can.",
    "netpol": "NetworkPolicy connectivity between workloads.",
}

EXIT_CODES_HELP = """
Exit codes: 0 no finding at or above --fail-on (and every pod placed), 1 findings at or
above it (or pods that cannot be placed), 2 could not run (bad flag, unreadable path,
invalid chart or policy, internal error).
"""


def _available(name: str) -> bool:
    return importlib.util.find_spec(f"kubeplan.commands.{name}") is not None


class LazyGroup(click.Group):
    def list_commands(self, ctx):
        return [name for name in COMMANDS if _available(name)]

    def get_command(self, ctx, name):
        if name not in COMMANDS or not _available(name):
            return None
        module = importlib.import_module(f"kubeplan.commands.{name}")
        return getattr(module, name)

    def format_commands(self, ctx, formatter):
        rows = [(name, COMMANDS[name]) for name in self.list_commands(ctx)]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


@click.group(cls=LazyGroup, epilog=EXIT_CODES_HELP, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kubeplan")
def cli():
    """Render, lint and plan Kubernetes manifests before they reach a cluster."""


def main(argv=None):
    from kubeplan.errors import EXIT_USAGE, KubeplanError

    try:
        rv = cli.main(args=argv, prog_name="kubeplan", standalone_mode=False)
    except KubeplanError as exc:
        click.echo(f"kubeplan: error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(EXIT_USAGE)
    except click.exceptions.Abort:
        click.echo("Aborted!", err=True)
        sys.exit(EXIT_USAGE)
    except BrokenPipeError:
        sys.exit(EXIT_USAGE)
    except Exception:
        import traceback

        traceback.print_exc()
        click.echo("kubeplan: internal error (a bug in kubeplan; please report it with the traceback above)", err=True)
        sys.exit(EXIT_USAGE)
    sys.exit(rv if isinstance(rv, int) else 0)
