"""The edge of the program: every way a run can end becomes one line on stderr and an exit code.

Exit codes (SPEC section 6): 0 success, 1 problems found, 2 usage error or unreadable input,
3 an internal error (a bug), 130 interrupted. Nothing below this edge prints a traceback unless
`--debug` was given; nothing it prints carries a participant id (`shown.clean`), the traceback
of --debug included.
"""

from __future__ import annotations

import errno
import os
import sys
import traceback
from collections.abc import Sequence
from contextvars import ContextVar
from typing import Any, NoReturn

import typer
import typer.core

from sspost.catalogue import LANGS, Notice, phrase
from sspost.problems import Exit, Failure, UsageError, exit_code, interrupted
from sspost.shown import clean

_LONGEST_LINE = 1000


def say(line: str) -> None:
    """One line for a person on stderr, with ids masked and control characters replaced."""
    try:
        sys.stderr.write(clean(line, _LONGEST_LINE) + "\n")
        sys.stderr.flush()
    except (OSError, ValueError):  # stderr gone: nothing is left to tell
        pass


def traceback_of(exc: BaseException) -> None:
    """--debug: the traceback, with ids masked and controls replaced line by line (the values
    in an exception's message come from data as often as not)."""
    for line in "".join(traceback.format_exception(exc)).splitlines():
        say(line)


# The run's language (`--lang`), read off the command line before anything else: an error
# may come before the command has its options, from Typer's own parsing.
_LANG: ContextVar[str] = ContextVar("lang", default="en")


def lang_of(argv: Sequence[str]) -> str:
    for i, arg in enumerate(argv):
        value = arg.partition("=")[2] if arg.startswith("--lang=") else \
            argv[i + 1] if arg == "--lang" and i + 1 < len(argv) else None
        if value in LANGS:
            return value
    return "en"


def error(message: str | UsageError | Notice) -> None:
    """`sspost: error: ...`, in the run's language where the message is a catalogue's."""
    lang = _LANG.get()
    text = message if isinstance(message, str) else message.text(lang)
    say(f"sspost: {phrase(lang, 'error.prefix')}: {text}")


def fail(message: str | UsageError, code: int = Exit.USAGE) -> NoReturn:
    """Stop the command here: one error line, and the exit code."""
    error(message)
    raise typer.Exit(code)


def finish(failures: list[Failure]) -> None:
    """The end of every command that ran to its end: what failed said, and its exit code."""
    for failure in failures:
        if failure.message:
            error(failure.message)
    code = exit_code(failures)
    if code != Exit.OK:
        raise typer.Exit(code)


def silence_stdout() -> None:
    """After a broken pipe, Python's own flush at exit would print a traceback."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def _usage_message(exc: typer.TyperException) -> str:
    message = exc.format_message().replace("Value error, ", "").rstrip(".")
    ctx = getattr(exc, "ctx", None)
    command = getattr(ctx, "command_path", None) or "sspost"
    return f"{message} (see `{command} --help`)"


def readable_help_types() -> None:
    """--help without Python's types: Typer writes an argument's type (`<list[Path]>`) and a
    flag's `<bool>` beside the metavar that already says what to give (issue #33)."""
    option_type = typer.core.TyperOption.display_type_rich

    def shown(param: Any, ctx: Any) -> str | None:
        if isinstance(param, typer.core.TyperArgument) or getattr(param, "is_flag", False):
            return None
        return option_type(param, ctx)

    for kind in (typer.core.TyperArgument, typer.core.TyperOption):
        setattr(kind, "display_type_rich", shown)  # noqa: B010 (a method, set once)


class Edge(typer.core.TyperGroup):
    """The command group, run so that it never ends in a traceback or a Rich box."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except BrokenPipeError:  # the reader went away (`| head`): said by the exit code only
            silence_stdout()  # (click would exit 1 for it, as if problems were found)
            raise typer.Exit(Exit.USAGE) from None

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None,
             complete_var: str | None = None, standalone_mode: bool = True,
             windows_expand_args: bool = True, **extra: Any) -> Any:
        argv = list(sys.argv[1:] if args is None else args)
        token = _LANG.set(lang_of(argv))
        try:
            code = self._run(argv, prog_name, complete_var, windows_expand_args, **extra)
        finally:
            _LANG.reset(token)
        if not standalone_mode:
            return code
        sys.exit(code)

    def _run(self, argv: list[str], prog_name: str | None, complete_var: str | None,
             windows_expand_args: bool, **extra: Any) -> int:
        debug = "--debug" in argv
        try:
            result = super().main(argv, prog_name, complete_var, standalone_mode=False,
                                  windows_expand_args=windows_expand_args, **extra)
        except typer.TyperException as exc:  # Typer's parsing: usage errors, bad values
            if type(exc).__name__ == "NoArgsIsHelpError":  # `sspost` alone: the help page
                sys.stderr.write(exc.format_message() + "\n")
                return Exit.USAGE
            error(_usage_message(exc) if exc.exit_code == Exit.USAGE else exc.format_message())
            return int(exc.exit_code)
        except (typer.Abort, KeyboardInterrupt):
            say("sspost: interrupted")
            return Exit.INTERRUPTED
        except UsageError as exc:  # raised outside a command's own handling
            if debug:
                traceback_of(exc)
            error(exc)
            return Exit.USAGE
        except OSError as exc:
            if debug:
                traceback_of(exc)
            if exc.errno == errno.EPIPE:  # the reader went away (`| head`): nothing to tell
                silence_stdout()
                return Exit.USAGE
            where = f"{exc.filename}: " if exc.filename else "cannot write the output: "
            error(f"{where}{exc.strerror or exc}")
            return Exit.USAGE
        except Exception as exc:
            if interrupted(exc):
                say("sspost: interrupted")
                return Exit.INTERRUPTED
            if debug:
                traceback_of(exc)
            error(f"internal error ({type(exc).__name__}: {exc}); this is a bug in sspost: "
                  "run again with --debug for the traceback and report it")
            return Exit.INTERNAL
        if result == Exit.INTERRUPTED:  # click turns Ctrl-C into Exit(130) before we see it
            say("sspost: interrupted")
        return int(result or 0)
