"""Block Kit action ids, callback ids and shortcut ids: the contract between blocks/ (which draws
the buttons and forms) and handlers/ (which listens for them). One place, so a rename cannot
leave a button that nothing answers."""

from __future__ import annotations

from typing import Final

# Record card and App Home buttons. The button's value is the record's reference.
OPEN_RECORD: Final = "record_open"
BOOK_HEARING: Final = "record_book_hearing"
RECORD_OUTCOME: Final = "record_outcome"
RECORD_BREACH: Final = "record_breach"
CHECK_DONE: Final = "record_check_done"
RECORD_NOTIFICATION: Final = "record_notification"
CLOSE_RECORD: Final = "record_close"
POST_TO_CHANNEL: Final = "record_post_to_channel"
NEW_RECORD: Final = "record_new"
MORE_RECORDS: Final = "list_more"  # value: JSON of the list's filter and offset
OPEN_CLARE: Final = "clare_open"  # a Clare's Law request; value: its reference
OPEN_INCIDENT: Final = "incident_open"  # an incident; value: its reference

# Reminder message buttons. The button's value is the reminder's id.
REMINDER_ACKNOWLEDGE: Final = "reminder_acknowledge"
# Clears the message only. Its id is the old "Done" button's, so messages already posted still work.
REMINDER_DISMISS: Final = "reminder_done"
# Buttons that do the work the reminder asks for.
REMINDER_CHECK_DONE: Final = "reminder_check_done"  # records the breach check, done now
REMINDER_CHECK_FORM: Final = "reminder_check_form"  # the check form, for an outcome
REMINDER_CRIME_REFERENCE: Final = "reminder_crime_reference"  # the crime reference form
REMINDER_BOOK_HEARING: Final = "reminder_book_hearing"  # the hearing form
REMINDER_RECORD_OUTCOME: Final = "reminder_record_outcome"  # the outcome form
REMINDER_SNOOZE_PREFIX: Final = "reminder_snooze_"  # + one of SNOOZE_CHOICES
SNOOZE_CHOICES: Final = ("1h", "4h", "0800")  # an hour, four hours, until 08:00 (local) next

# The daily digest's "Nudge officer" button. Its value is JSON naming the record's reference.
DIGEST_NUDGE: Final = "digest_nudge"

# Modal callback ids.
RECORD_FORM: Final = "record_form"
HEARING_FORM: Final = "hearing_form"
OUTCOME_FORM: Final = "outcome_form"
BREACH_FORM: Final = "breach_form"
CHECK_FORM: Final = "check_form"
NOTIFICATION_FORM: Final = "notification_form"
CLOSE_FORM: Final = "close_form"
EDIT_FORM: Final = "edit_form"
CRIME_REFERENCE_FORM: Final = "crime_reference_form"
JUSTIFICATION_FORM: Final = "justification_form"

# Record form: choosing the order type redraws the form in place.
ORDER_TYPE_SELECT: Final = "record_form_order_type"

# The record picker (an external_select): its options are loaded as the user types.
RECORD_PICKER: Final = "record_picker"

# Global shortcut.
NEW_RECORD_SHORTCUT: Final = "new_protection_record"

# /dvpn export: the justification asked before a CSV is sent.
EXPORT_FORM: Final = "export_form"

# Caseload, perpetrator history and audit trail.
MORE_CASELOAD: Final = "caseload_more"  # value: JSON of the caseload's query and the next offset
MORE_AUDIT: Final = "audit_more"  # value: JSON of the reference and the next offset
PERPETRATOR_PICK: Final = "perpetrator_pick"  # value: a PNC id or a record reference

# Incidents: the incident form, and the card's "Record a notice" button (value: the incident's
# reference), which opens the record form with the incident's people.
INCIDENT_FORM: Final = "incident_form"
NOTICE_FROM_INCIDENT: Final = "incident_record_notice"
NEW_INCIDENT_SHORTCUT: Final = "new_incident"  # the global shortcut: the incident form
