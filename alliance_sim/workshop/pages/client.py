"""The parts of the app that act in the browser before the server answers (Vue templates in
``vue/``): a vote shows as sent the moment it is tapped and the buttons go off, a button that
runs the room goes off from its first click until the server has acted on it, and a page cut
off from a restarted server comes back by itself.
"""

from __future__ import annotations

from collections.abc import Callable

import solara


@solara.component_vue("vue/vote_buttons.vue")
def VoteButtonsClient(
    card: str, buttons: list, ack: int, event_cast: Callable[[dict], None] | None = None
):
    """``buttons``: ``{"choice", "label", "color", "outlined"}`` each; ``cast({"card",
    "choice"})`` is called once per card shown (until ``ack`` or ``card`` changes)."""


@solara.component_vue("vue/once_button.vue")
def OnceButton(
    label: str,
    drawn: object = None,
    ack: int = 0,
    color: str = "",
    outlined: bool = False,
    text: bool = False,
    small: bool = False,
    disabled: bool = False,
    classes: str = "",
    event_click: Callable[[dict], None] | None = None,
):
    """A button that sends ``click({"drawn": drawn})`` once, then stays off until ``ack``
    changes (the server's answer)."""


@solara.component_vue("vue/reconnect.vue")
def Reconnect():
    """Brings the page back after the server restarts (see the template)."""
