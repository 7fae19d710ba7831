"""citygraph: the knowledge graph of city diplomacy."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("citygraph")
except PackageNotFoundError:  # running from a checkout without installation
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]
