"""Errors that end a command with a one-line message and exit code 2."""


class FixkitError(Exception):
    """Bad input or an impossible request: shown as `fixkit: <message>`, exit 2."""

    exit_code = 2
