"""What the hooks know of the pages Material writes (not a hook; imported by hooks)."""

from __future__ import annotations

import json
import re

from mkdocs.exceptions import PluginError

CONFIG_SCRIPT = re.compile(r'(<script id="__config" type="application/json">)(.*?)(</script>)', re.S)


def search_base(output: str, prefix: str, name: str) -> str:
    """Point Material's `base` (search index, result links) at the language's root."""
    match = CONFIG_SCRIPT.search(output)
    if match is None:
        raise PluginError(f"{name}: Material's __config script not found, expected in every page")
    app = json.loads(match.group(2))
    base = app["base"].rstrip("/")  # "../..", "..", "." or "/" (error pages)
    app["base"] = f"{base}/{prefix}/" if base or app["base"] == "/" else f"{prefix}/"
    return output[: match.start(2)] + json.dumps(app, separators=(",", ":")) + output[match.end(2) :]
