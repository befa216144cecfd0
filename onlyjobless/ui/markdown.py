"""LLM output rendered inert: no raw HTML, no scripts, no javascript: links, no remote images."""

from __future__ import annotations

from typing import Any

import reflex as rx


def _no_image(*_children: Any, **_props: Any) -> rx.Component:
    """Images are never loaded from model output; a marker stands in their place."""
    return rx.text.span("[image]", color_scheme="gray")


def safe_markdown(content: rx.Var | str, **props: Any) -> rx.Component:
    """Markdown without the raw-HTML plugin; react-markdown drops unsafe link schemes itself."""
    return rx.markdown(
        content,
        use_raw=False,
        use_math=False,
        use_katex=False,
        use_unwrap_images=False,
        component_map={"img": _no_image},
        **props,
    )
