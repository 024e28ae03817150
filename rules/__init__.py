"""lambdalint's built-in rules, one per file; each registers through the `lambdalint.rules` entry points."""
