"""The one error type the workbench raises for anything a user can get wrong."""


class WorkbenchError(Exception):
    """A problem with the user's input or project, with a one-line message meant for the user.

    The command line prints it as ``error: <message>`` and exits with status 2; the app shows it as an
    error box. Whatever raised it has left the project file exactly as it was.
    """

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(str(message).split()))

    @property
    def message(self) -> str:
        return str(self)
