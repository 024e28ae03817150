"""Loaders turn each template dialect into the one `Project` model."""
