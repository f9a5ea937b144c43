"""The joined stylesheet without the rules no page can use: about 570 kB of theme CSS (all of Bootstrap, the theme's
every component) of which a page uses a tenth, and all of it blocks the first paint on a phone.

The rule is PurgeCSS's (purgecss.com): a style rule stays when every class, id and element name in one of its
selectors occurs as a word in the site's content, the built pages and every script they can load (scripts set
classes such as Bootstrap's `show` from string literals, so these count as content). Pseudo-classes and
attribute values are not judged: a `:hover` or `[data-theme=dark]` rule stays with its element. PurgeCSS itself
runs on Node.js, which the book's build does not need anywhere else (nor on the Windows and macOS desktops the
build supports); this is its rule in Python over tinycss2, the CSS parser WeasyPrint already brings.
"""
from __future__ import annotations

import re
from pathlib import Path

import tinycss2

WORD = re.compile(r"[A-Za-z0-9_-]+")
# what a selector asks of the document: element names, classes and ids (escaped names are never judged)
CLASS_OR_ID = re.compile(r"[.#](-?[A-Za-z_][\w-]*)(?![\w\\-])")
ELEMENT = re.compile(r"(?:^|[\s>+~(,])([a-zA-Z][a-zA-Z0-9-]*)(?![\w\\-])")
BRACKETS = re.compile(r"\[[^\]]*\]|::?[a-zA-Z-]+(?:\((?:[^()]|\([^()]*\))*\))?")
GROUPING = {"media", "supports", "container", "layer", "document"}  # at-rules whose content is judged rule by rule


SCRIPT = re.compile(r'<script[^>]*\ssrc="([^"?#]+)')


def site_words(site: Path) -> set[str]:
    """Every word of every page of the built site and of every script a page loads, itself or through a script
    that names it (pz-charts.js loads the Vega bundle): what a selector may ask for. A script no page loads (the
    theme's fontawesome.js, whose icons this book draws with CSS masks) is not content."""
    pages = [p.read_text(encoding="utf-8") for p in site.rglob("*.html")]
    scripts = {(site / p.relative_to(site).parent / src).resolve() for p, text in zip(site.rglob("*.html"), pages)
               for src in SCRIPT.findall(text)}
    texts = {path: path.read_text(encoding="utf-8", errors="replace") for path in scripts if path.is_file()}
    for path in site.rglob("*.js"):  # named by a loaded script
        if path.resolve() not in texts and any(path.name in text for text in list(texts.values())):
            texts[path.resolve()] = path.read_text(encoding="utf-8", errors="replace")
    return {word for text in [*pages, *texts.values()] for word in WORD.findall(text)}


def _selector_used(selector: str, words: set[str]) -> bool:
    if "\\" in selector:
        return True  # an escaped name (`.\!p-0`): not worth judging
    plain = BRACKETS.sub(" ", selector)  # [attr=…], :hover, :not(.x), ::before: not judged
    names = CLASS_OR_ID.findall(plain) + [e.lower() for e in ELEMENT.findall(plain)]
    return all(name in words for name in names)


def _trimmed(rules: list, words: set[str]) -> list:
    kept = []
    for rule in rules:
        if rule.type == "qualified-rule":
            selectors = [s.strip() for s in _split_selectors(tinycss2.serialize(rule.prelude))]
            used = [s for s in selectors if _selector_used(s, words)]
            if used:
                rule.prelude = tinycss2.parse_component_value_list(", ".join(used))
                kept.append(rule)
        elif rule.type == "at-rule" and rule.lower_at_keyword in GROUPING and rule.content is not None:
            inner = _trimmed(tinycss2.parse_rule_list(rule.content, skip_whitespace=True, skip_comments=True), words)
            if inner:
                rule.content = [token for r in inner for token in (r, tinycss2.ast.WhitespaceToken(0, 0, "\n"))]
                kept.append(rule)
        elif rule.type == "at-rule":
            kept.append(rule)  # @font-face, @keyframes, @property, @charset: kept whole
    return kept


def _split_selectors(prelude: str) -> list[str]:
    """A selector list split at its top-level commas (not those inside :is(), :not() or [attr="a,b"])."""
    parts, depth, quote, start = [], 0, "", 0
    for i, c in enumerate(prelude):
        if quote:
            quote = "" if c == quote else quote
        elif c in "\"'":
            quote = c
        elif c in "([":
            depth += 1
        elif c in ")]":
            depth -= 1
        elif c == "," and depth == 0:
            parts.append(prelude[start:i])
            start = i + 1
    return [*parts, prelude[start:]]


def trim_stylesheet(css: str, words: set[str]) -> str:
    """`css` with every rule whose selectors ask for a class, id or element not among `words` left out."""
    rules = tinycss2.parse_stylesheet(css, skip_whitespace=True, skip_comments=True)
    return "\n".join(tinycss2.serialize([rule]) for rule in _trimmed(rules, words)) + "\n"
