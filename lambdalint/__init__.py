"""lambdalint: a static analyzer for AWS Lambda projects written in Python."""

__version__ = "0.1.0"
