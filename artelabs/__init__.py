"""The Artelabs support site's own code: everything that does the work, with no MkDocs hook in it.

- `core`: the build's shared state, as the MkDocs hooks (hooks/) ask for it; the only module that knows
  mkdocs-static-i18n's attributes;
- `datafile`: reads and checks every file of data/;
- `markers` and `tablewrap`: Python-Markdown extensions (any builder that runs Python-Markdown runs them);
- `postbuild`: what is done to a built site folder (PDFs, Apple profiles, .htaccess).

Installed with the site's requirements (`-e .` in requirements.txt), so that hooks/, tools/, bench/ and the
tests import it the same way: `from artelabs import markers`.
"""
