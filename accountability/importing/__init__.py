"""The import framework: every Excel import of the project is an ``ImportKind`` run by
``accountability.importing.services``. See docs/imports.md."""
