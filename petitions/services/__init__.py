"""Writes of the petition procedure, of online support and of council sessions: the only code that changes them.

The procedure follows Organic Law 113-14, articles 121 to 125, and decree 2.16.403. Each step checks that
the procedure allows it from the petition's current state (TRANSITIONS), locks the petition row so that two
staff members cannot record conflicting steps at once, and records the step on the public timeline.
"""

from petitions.services.council import (
    ORDINARY_SESSION_MONTHS,
    council_sessions_generate,
)
from petitions.services.procedure import (
    petition_accept,
    petition_deliberate,
    petition_deposit,
    petition_refusal_notify,
    petition_refuse,
    petition_review_start,
    petition_withdraw,
)
from petitions.services.report import petition_report
from petitions.services.steps import (
    TRANSITIONS,
    allowed_next_states,
)
from petitions.services.submission import (
    petition_not_admit,
    petition_publish,
    petition_record_paper,
    petition_submit,
)
from petitions.services.support import (
    SUPPORT_TOKEN_SALT,
    petition_data_purge,
    support_confirm,
    support_submit,
    support_token_make,
    support_token_read,
)

__all__ = [
    "ORDINARY_SESSION_MONTHS",
    "SUPPORT_TOKEN_SALT",
    "TRANSITIONS",
    "allowed_next_states",
    "council_sessions_generate",
    "petition_accept",
    "petition_data_purge",
    "petition_deliberate",
    "petition_deposit",
    "petition_not_admit",
    "petition_publish",
    "petition_record_paper",
    "petition_refusal_notify",
    "petition_refuse",
    "petition_report",
    "petition_review_start",
    "petition_submit",
    "petition_withdraw",
    "support_confirm",
    "support_submit",
    "support_token_make",
    "support_token_read",
]
