"""Personal data (个人信息, PIPL Art. 28): masking, explicit unmasking, demonstration mode.

Qt-free: the UI, the exports and the logs all mask through :mod:`app.privacy.masking`;
:mod:`app.privacy.reveal` shows one number in full to a role allowed to see it and
records that it did; :mod:`app.privacy.demo` replaces every person's name by a pseudonym
for demonstrations to inspection teams (考察团)."""

from app.privacy.demo import demo_mode, person_name, set_demo_mode
from app.privacy.masking import mask_id_number, mask_phone, mask_text, may_unmask

__all__ = ["demo_mode", "mask_id_number", "mask_phone", "mask_text", "may_unmask",
           "person_name", "set_demo_mode"]
