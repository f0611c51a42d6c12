"""Sources of figures and kinds of file, each declared once (one module per source or family
of files), and the registry every other layer reads them from (``sources.registry``).

Adding a source or a kind of file is one module here declaring ``DECLARED`` (see
``sources/marac.py``), plus its loader and its tests: the CLI, the upload page, the coverage
record and the measures read it from the registry.
"""
