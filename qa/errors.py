"""The exceptions the library raises; the CLI and the UI turn each into one plain sentence."""


class QAError(Exception):
    """Base class: its message is a sentence a person can act on."""

    exit_code = 1


class BadInputError(QAError):
    """The user's input cannot be used: an empty or overlong question, a bad file."""

    exit_code = 2


class CorpusError(QAError):
    """The corpus folder is missing, empty, or holds no readable article."""

    exit_code = 2


class ArticleError(BadInputError):
    """One article cannot be read: empty, binary, wrong encoding, too large."""


class IndexMissingError(QAError):
    """There is no index where one was expected."""

    exit_code = 3


class IndexMismatchError(QAError):
    """The index was built with another model or other chunk settings."""

    exit_code = 3


class IndexCorruptError(QAError):
    """An index file is damaged or does not match the manifest."""

    exit_code = 3


class ModelError(QAError):
    """The embedding model could not be loaded."""

    exit_code = 4
