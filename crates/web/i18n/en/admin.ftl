## Admin area

admin-title = Administration
admin-nav-label = Administration menu
admin-users-title = Users
admin-units-title = City units
admin-categories-title = Report categories
admin-audit-title = Audit log
admin-outbox-title = Outbox
admin-districts = Districts
admin-jobs-heading = Background jobs
admin-jobs-queued = Queued
admin-jobs-running = Running
admin-jobs-failed = Failed
admin-mail-outbox = Mail is not sent: messages go to the outbox (development mode).
admin-mail-smtp = Mail is sent through the SMTP server.

admin-users-search = Search users
admin-users-search-email = E-mail address contains
admin-users-empty = No users match.
admin-unit = Unit
admin-unit-hint = Only for the role “City unit staff”.
admin-unit-none = (none)
admin-user-status = Status
admin-user-active = active
admin-user-disabled = disabled
admin-user-created = Created
admin-user-last-login = Last login
admin-user-role-heading = Role and unit
admin-user-role-submit = Change the role
admin-user-access-heading = Access
admin-user-disable-text = A disabled account cannot log in, and its sessions are ended.
admin-user-disable = Disable the account
admin-user-enable = Enable the account
admin-user-history = History

admin-units-empty = No units.
admin-unit-new-title = New unit
admin-unit-edit-title = Edit unit
admin-unit-email = Unit e-mail address
admin-categories-empty = No categories.
admin-category-new-title = New category
admin-category-edit-title = Edit category
field-code = Code
field-code-hint = Unaccented letters, digits and . _ -, for example ZDMK or problem.lighting.
field-name = Name
field-name-pl = Name in Polish
field-name-en = Name in English
field-active = Active
field-kind = Kind
field-position = Order
field-position-hint = A smaller number puts it higher on the list.

admin-audit-when = When
admin-audit-who = Who
admin-audit-action = Event
admin-audit-target = Concerns
admin-audit-details = Details
admin-audit-empty = No entries.
admin-audit-system = system (command line)
admin-audit-deleted-account = deleted account
admin-audit-target-user = user
admin-audit-target-unit = unit
admin-audit-target-category = category
audit-action-user_created = Account created
audit-action-role_changed = Role changed
audit-action-user_disabled = Account disabled
audit-action-user_enabled = Account enabled
audit-action-account_deleted = Account deleted
audit-action-unit_created = Unit added
audit-action-unit_updated = Unit changed
audit-action-category_created = Category added
audit-action-category_updated = Category changed
audit-action-reference_data_loaded = City data loaded

admin-outbox-lead = The platform runs without an SMTP server, so it keeps e-mails here instead of sending them.
admin-outbox-search = Search messages
admin-outbox-to = To
admin-outbox-subject = Subject
admin-outbox-empty = The outbox is empty.
admin-outbox-back = Back to the outbox

field-duplicate-radius = Duplicate search radius (m)
field-duplicate-radius-hint = Open reports of this category within this distance are shown before a new one is sent (10–5000 m).
admin-category-unit = Default unit
admin-category-unit-hint = Reports of this category go here unless a district rule says otherwise.
admin-questions-heading = Questions residents are asked
admin-questions-lead = Extra questions for reports of this category: on the web form, in the mobile app and for Open311 apps (as attributes). Required questions must be answered on every channel.
admin-questions-none = This category asks no extra questions.
admin-question-text = Question
admin-question-datatype = Kind of answer
admin-question-choices = Choices
admin-question-required = required
admin-question-change = Change
admin-question-remove = Remove
admin-question-form-heading = Add or change a question
admin-question-form-hint = A question with the code of an existing one replaces it. Reports already sent keep their answers.
admin-question-required-label = An answer is required
admin-question-text-pl = Question (Polish)
admin-question-text-en = Question (English)
admin-question-hint-pl = Hint (Polish)
admin-question-hint-en = Hint (English)
admin-question-choices-hint = For list answers only: one choice per line, as key | Polish name | English name, for example: one | Jedna | One
admin-question-save = Save the question
datatype-string = Short text
datatype-number = Number
datatype-datetime = Date and time
datatype-text = Longer text
datatype-singlevaluelist = One choice from a list
datatype-multivaluelist = Any choices from a list

admin-routing-title = Report routing
admin-routing-lead = Every category has a default unit; for chosen districts you can name another.
admin-routing-exceptions = District exceptions
admin-routing-unit-for = Unit for the category { $category }
admin-routing-delete = Delete the exception for district { $district }
admin-routing-add = Add a rule
admin-routing-any-district = All districts (default unit)
audit-action-routing_changed = Report routing changed
audit-action-report_text_moderated = Report description moderated
audit-action-photo_hidden = Photo hidden
audit-action-photo_published = Photo published
# Recorded before photos were pre-moderated (entries stay readable).
audit-action-photo_shown = Photo shown again
audit-action-api_key_issued = API key issued
audit-action-api_key_revoked = API key revoked
audit-action-budget_edition_created = Citizens' budget edition created
audit-action-budget_schedule_changed = Citizens' budget schedule changed
audit-action-budget_counted = Citizens' budget votes counted
audit-action-budget_published = Citizens' budget results published
admin-api-title = API keys
admin-api-lead = Applications that send reports through Open311 and the API get a key of their own with a request limit. Endpoint description:
admin-api-issued = Key for { $name }
admin-api-issued-once = Copy it now and pass it safely to the application's developers – it will not be shown again.
admin-api-empty = No applications yet.
admin-api-name = Application name
admin-api-name-hint = E.g. “mKraków” or “ZDMK back-office”. Must be unique.
admin-api-key = Key
admin-api-limit = Requests per hour
admin-api-limit-hint = From 1 to 1,000,000.
admin-api-per-hour = { $count } / hour
admin-api-usage = Usage
admin-api-requests = { $count ->
    [one] { $count } request
   *[other] { $count } requests
}
admin-api-reports = { $count ->
    [one] { $count } report
   *[other] { $count } reports
}
admin-api-last-used = Last used
admin-api-state = State
admin-api-active = Active
admin-api-revoked-at = Revoked { $date }
admin-api-revoke = Revoke the key of { $name }
admin-api-issue = Issue a key
