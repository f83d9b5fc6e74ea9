"""The project's own error type: bad input a user can fix (exit status 2 from the CLI)."""


class InputError(ValueError):
    """Bad input or usage. The message is one line that names the file and field."""
