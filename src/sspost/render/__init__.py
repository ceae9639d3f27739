"""Renderers: each turns one result into text; only the CLI writes it anywhere.

Kept free of imports so that `validate` loads only the problem renderers it needs.
"""
