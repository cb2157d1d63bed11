"""Benchmark of the support site: build times and the bytes a reader downloads.

    python -m bench              # 5 full and 5 HTML-only builds, then the weights
    python -m bench --runs 3     # fewer runs
    python -m bench --site DIR   # only the weights of an existing build
    python -m bench --serve 6    # also `mkdocs serve`: 6 saved pages until Chromium shows them, against plain
    python -m bench --site DIR --serve 6   # the serve measurement without the builds

Prints a table and writes bench-report.json (git-ignored). The byte budgets
below are also checked by tests/test_budgets.py on every test run.
"""

from __future__ import annotations

# Bytes, gzip-compressed as the server sends them (100 KB = 100,000 bytes).
FIRST_LOAD_BUDGET = 100_000  # one page's first visit (empty cache): the page, its CSS, JS and icons
SEARCH_INDEX_BUDGET = 100_000  # each language's search index
# Everything a first visit requests at load. The site's bundle starts Material's search (worker,
# index, stemmers) when the reader opens it; Material as it comes starts it at load, and then it
# counts here (bench/weight.py). The search index has its own budget above.
FIRST_LOAD_WITH_SEARCH_BUDGET = 120_000
# What opening the search adds to a page: the worker, the index of the page's language and its stemmers.
SEARCH_OPEN_BUDGET = 60_000
