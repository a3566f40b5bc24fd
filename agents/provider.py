"""NHS or independent provider: income depends on activity and payment model (001 §30, 37)."""

from .base import Party


class Provider(Party):
    kind = "provider"
    home_body_noun = "trust board"
