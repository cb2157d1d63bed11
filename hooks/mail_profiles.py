"""The Apple mail profile of each language (artelabs/postbuild/mail.py), into the built site.

/mail/artelabs-mail.mobileconfig and /fr/mail/artelabs-mail.mobileconfig, written
once every language is built. The box that offers it on a page is the marker
`<!-- mobileconfig-offer -->` (artelabs/markers.py). Thunderbird's file for a
customer's domain is a staff command: tools/autoconfig.py.
"""

from __future__ import annotations

from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

from artelabs import core
from artelabs.postbuild import mail as mailfiles


def on_config(config: MkDocsConfig, **kwargs: Any) -> None:
    """Fail now, before any page, if no profile can be made from the data."""
    if core.is_start_of_build(config):
        try:
            for direction in ("incoming", "outgoing"):
                mailfiles.recommended(core.data(config), direction)
        except mailfiles.MailConfigError as error:
            raise PluginError(str(error)) from None


@event_priority(core.AFTER_ALL_LANGUAGES)
def on_post_build(*, config: MkDocsConfig, **kwargs: Any) -> None:
    if core.is_outer_pass(config):
        try:
            mailfiles.write_profiles(core.site(config))
        except mailfiles.MailConfigError as error:
            raise PluginError(str(error)) from None
