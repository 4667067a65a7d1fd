"""papers: track your way through a reading list of research papers."""

__version__ = "0.1.0"
