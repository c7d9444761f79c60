"""w13xl: W13 multi-year plan simulator (Flemish BBC rules)."""

__version__ = "0.1.0"
