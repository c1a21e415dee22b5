"""The one Markdown escaper (and the one HTML escaper): ledger text made inert in markup.

Summary, projects, the board report and the diff comment are posted to pull requests
and job summaries, where Markdown from a ledger could hide a value, link to a lookalike
site, show an image that tracks its readers, or notify people. Every writer of Markdown
passes untrusted text through ``md`` and nothing else.
"""

from __future__ import annotations

import re

from budgetctl.diagnostics import UNPRINTABLE, printable

# Every character that can start emphasis, code, a link or image, raw HTML, a heading,
# a table cell, a strikethrough or a block quote; backslash first.
_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~])")
# What starts a list item or underlines a heading only at the start of a line.
_LEADING = re.compile(r"^([-+=]|[0-9]+(?=[.)]))")
# GitHub links bare addresses ("https://", "www.") by themselves.
_AUTOLINK = re.compile(r"(?i)(:)(//)|\b(www)(\.)")


def md(text: str) -> str:
    """Untrusted text as literal Markdown on one line: no formatting, links, images, raw HTML
    or @mentions, and no line break (LF becomes a space; other controls and line separators
    are shown as ``\\u000d``)."""
    # A line break in a description is a space, as Markdown renders one inside a paragraph;
    # every other control and separator is escaped.
    text = _SPECIAL.sub(r"\\\1", printable(text.replace("\n", " ")))
    text = _LEADING.sub(lambda m: m[1] + "\\" if m[1][0].isdigit() else "\\" + m[1], text)
    text = _AUTOLINK.sub(lambda m: f"{m[1]}\\/\\/" if m[1] else f"{m[3]}\\.", text)
    # An entity written in the text would be decoded; a mention would notify people. A
    # zero-width space after '@' stops the mention (as dependency bots do) and shows nothing.
    return text.replace("&", "&amp;").replace("@", "@&#8203;")


def html_text(text: object) -> str:
    """Untrusted text as literal HTML on one line, for the board paper and the monitoring page."""
    import html

    # A line break in a description is a space, as HTML shows it; every other control is
    # escaped. Either way the page's lines are budgetctl's own.
    return html.escape(printable(str(text).replace("\n", " ")), quote=True)


# A superset of what ``md`` changes in printable text (a control or line break it also changes):
# a character it escapes or replaces, an address GitHub would link, or (checked on each text's
# first character) a list or heading start. No match spans two texts joined by a line break.
_MAYBE_MARKUP = re.compile(r"[\\`*_{}\[\]<>#|~&@]|//|(?i:www)\.")
_LEADS = frozenset("-+=0123456789")


def md_column(texts: list[str]) -> list[str]:
    """``md`` of each of a column's texts: the texts as they are when none has anything ``md`` would
    change, which two searches of the whole column show."""
    plain = UNPRINTABLE.search("".join(texts)) is None
    if plain and _MAYBE_MARKUP.search("\n".join(texts)) is None and not any(t[:1] in _LEADS for t in texts):
        return texts
    return [md(t) for t in texts]
