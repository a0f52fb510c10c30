## Form errors and error pages

error-summary-title = There is a problem
error-prefix = Error:
error-required = This field is required.
error-too_long = This text is too long.
error-too_short = This text is too short.
error-email_invalid = Enter an e-mail address in the correct format, like name@example.com.
error-password_too_short = The password must be at least 10 characters long.
error-password_too_long = The password must be at most 256 characters long.
error-password_same_as_email = The password must not be the same as the e-mail address.
error-passwords_differ = The passwords do not match.
error-role_unknown = Choose a role from the list.
error-role_needs_unit = City unit staff must belong to a unit.
error-role_takes_no_unit = Only city unit staff belong to a unit.
error-locale_unknown = Choose a language from the list.
error-code_invalid = A code may contain only unaccented letters, digits and the characters . _ -
error-kind_unknown = Choose a kind from the list.
error-number_invalid = Enter a number.
error-phone_invalid = Enter a phone number, like 600 100 200 or +48 12 616 55 55.
error-status_unknown = Choose a status from the list.
error-channel_unknown = Choose a channel from the list.
error-tracking_number_invalid = Enter the report number as 2026/001234.
error-category_unknown = Choose a category from the list.
error-district_unknown = Choose a district from the list.
error-unit_unknown = Choose a unit from the list.
error-location_missing = Mark the place on the map or type an address.
error-outside_city = This place is outside the city. We can only take reports from within the city.
error-consent_required = Tick the consent if you give contact details – without it we cannot use them.
error-pesel_format = A PESEL number has 11 digits. Check that all of them are there.
error-pesel_checksum = This PESEL number is not valid (its check digit does not match). Check it for a typo.
error-pesel_date = This PESEL number does not hold a valid birth date. Check its first six digits.
error-photos-too-many = You can attach at most 5 photos.
error-calls_date = Line { $line }: the date is not a date (use 2025-01-31 or 31.01.2025).
error-calls_missing = Line { $line }: the number of calls is missing.
error-calls_number = Line { $line }: the number of calls is not a whole number.
error-calls_repeated = Line { $line }: this day appears twice in the file.
error-calls_too_many = The file holds too many days (at most 10,000).
error-calls_empty = There is nothing to import: the file holds no lines with figures.
error-question-choice-line = This line is not key | Polish name | English name (or repeats a key): { $line }
error-question-choices-needed = List answers need at least one choice.
error-question-choices-only-for-lists = Choices go only with list answers.
error-questions-too-many = A category can ask at most 20 questions.
error-photo_too_large = The file { $file } is larger than 7 MB.
error-photo_type = The file { $file } is not a JPEG, PNG or WebP photo.
error-photo_unreadable = The photo { $file } could not be read.
error-photo_too_many_pixels = The photo { $file } has too high a resolution.
error-report_not_found = There is no report with this number.
error-status_not_for_kind = This status does not apply to this kind of report.
error-status_unchanged = The report already has this status.
error-status_transition_forbidden = This status cannot follow the current one.
error-report_merged = The report was merged with another – change the status of the main report.
error-report_changed_meanwhile = Someone changed this report meanwhile. Check how it stands now.
error-merge_itself = A report cannot be merged with itself.
error-merge_kind_mismatch = A problem cannot be merged with an idea.
error-merge_target_merged = That report was itself merged with another – give the main report.
error-merge_already_merged = This report is already merged with another.
error-merge_has_followers = Other reports are merged into this one – merge those into the target first.
error-page-category_unknown = The chosen category does not take reports.
error-page-status_unknown = Unknown status.
error-page-routing_default_required = A category’s default unit cannot be deleted, only changed.
error-code-taken = This code is already in use.
error-unit-unknown = Choose a unit from the list.
error-last-admin = The last active administrator cannot lose their rights.
error-login-failed = The e-mail address or password is incorrect.
error-login-disabled = This account has been disabled. Call the city hotline to sort it out.
error-login-unconfirmed = Confirm your e-mail address first: open the link in the message we sent you.
error-password-wrong = The password is incorrect.
error-too-many-attempts = Too many attempts. Try again in { $minutes ->
    [one] { $minutes } minute
   *[other] { $minutes } minutes
}.
error-token_invalid = This link is not valid. Check that you copied all of it.
error-token_expired = This link has expired. Ask for a new one.
error-token_used = This link has already been used. If you still need one, ask for a new one.

error-page-title = We cannot show this page
error-page-status = Error code: { $status }
error-page-home = Go to the home page
error-page-not_found = There is no such page. Check the address or go to the home page.
error-page-forbidden = You do not have permission to see this page.
error-page-login_required = Log in to see this page.
error-page-csrf = The form has expired or was sent from another site. Go back to the form, reload the page and send it again.
error-page-payload_too_large = The data sent is too large.
error-page-unsupported_media_type = This kind of data cannot be sent here.
error-page-too_many_requests = Too many attempts. Try again in a moment.
error-page-retry-in = Too many attempts. Try again in { $minutes ->
    [one] { $minutes } minute
   *[other] { $minutes } minutes
}.
error-page-internal = Something went wrong on our side. Try again in a moment, and if it keeps happening, call the city hotline.
error-page-bad_request = The request could not be read.
error-page-method_not_allowed = This page cannot be opened this way.
error-page-form_malformed = The form could not be read. Go back and try again.
error-page-language_unknown = That language is not available.
error-page-action_unknown = Unknown action.
error-api-client-name-taken = An application with this name already exists.
