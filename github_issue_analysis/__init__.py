"""gh-analysis: collect GitHub issues and label them with AI through provider batch APIs.

`__version__` is the one place the version is written: the package metadata (hatch) and `--version` read it."""

__version__ = "0.2.0"
