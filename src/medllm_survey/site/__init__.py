"""The website, generated from the knowledge base at ``mkdocs build`` time.

- ``context.py``   typed, frozen contexts built once from the validated records (no lookups in templates)
- ``charts.py``    inline SVG charts drawn in Python (papers per year, screening flow)
- ``pages.py``     renders every generated page and file: ``{relative path: text}``, pure
- ``plugin.py``    the ``medllm-survey`` MkDocs plugin that adds those pages in memory and writes the
                   downloads and per-paper ``.bib`` files
- ``templates/``   Jinja2 templates of the pages (autoescaped)
- ``theme/``       theme overrides: ``citation_*`` meta tags, a repository link with no API call
- ``assets/``      the site's CSS and the all-papers table script
"""
