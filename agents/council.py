"""The local authority: statutory social-care duties; its representative refers strategic, policy, resource and financial decisions to committee (001 §12, 46, 55)."""

from .base import Party


class Council(Party):
    kind = "council"
    home_body_noun = "committee"
