"""The one exception type faces turn into a one-line message and a non-zero exit (never a traceback)."""


class UserError(Exception):
    """Something the user can fix; str(e) is one line saying what and how."""
