consult-title = Consultations
consult-nav = Consultations
consult-lead = The city asks residents before it decides: plans, documents to comment on, surveys, meetings. Here are the open ones, those coming and the reports of past ones.
consult-filter-label = Filter consultations
consult-empty = There are no published consultations yet.
consult-empty-district = No published consultation concerns this district.
consult-group-open = Open now – take part
consult-group-coming = Coming
consult-group-analysis = Closed – answers being prepared
consult-group-reported = Finished – reports published
consult-group-cancelled = Called off
consult-dates = { $opens } – { $closes }
consult-city-wide = All of Kraków
consult-kind-standard = Consultation
consult-kind-small = Small Consultation
consult-phase-draft = Draft (not published)
consult-phase-announced = Announced
consult-phase-information = Information campaign
consult-phase-open = Open
consult-phase-analysis = Answers being prepared
consult-phase-reported = Report published
consult-phase-cancelled = Called off
consult-method-survey = E-survey
consult-method-comments = Comments on a document
consult-method-meetings = Meetings
consult-method-duty_hours = Expert duty hours
consult-method-paper = Comments on paper, by e-mail or letter
consult-field-phase = Stage
consult-field-kind = Kind
consult-field-title = Subject
consult-field-title-hint = What the consultation is about, as residents will see it.
consult-field-goal = Goal
consult-field-legal-basis = Legal basis
consult-field-target-groups = Whom it concerns
consult-field-area = Area
consult-field-methods = Ways to take part
consult-field-information = Information campaign from
consult-field-opens = Consultation opens on
consult-field-closes = Consultation closes on (last day)
consult-field-period = Consultation period
consult-field-report-due = Report due by
consult-field-unit = Department responsible
consult-field-contact = Contact
consult-field-contact-name = Contact person
consult-cancelled-notice = This consultation has been called off.
consult-public-page = Public page
consult-staff-title = Consultations
consult-staff-empty = No consultations planned yet.
consult-new-title = Plan a consultation
consult-edit-title = Consultation plan
consult-create = Save the draft
consult-plan-legend = The plan
consult-districts-hint = Or the districts it concerns:
consult-schedule-legend = Schedule
consult-schedule-hint = The information campaign lasts at least { $information } days and the consultation at least { $consultation } days.
consult-responsible-legend = Responsible
consult-publish-heading = Publish
consult-publish-text = Once published, the plan is public and its dates run the consultation. It can still be corrected, but dates that have passed stay as they were.
consult-publish = Publish the consultation
consult-cancel-heading = Call off the consultation
consult-cancel-reason = Reason (residents will see it)
consult-cancel = Call it off
consult-error-methods = Choose at least one way to take part.
consult-error-area = Tick "All of Kraków" or choose at least one district.
consult-error-date = Enter a date, e.g. 2026-03-15.
flash-consult-created = The draft has been saved. Residents do not see it until you publish it.
flash-consult-published = The consultation has been published.
flash-consult-cancelled = The consultation has been called off.
error-consult_schedule_order = The dates are out of order: the information campaign, then the opening, the closing and the report.
error-consult_information_short = The information campaign must last at least { $information } days before the consultation opens.
error-consult_too_short = The consultation is too short: at least { $consultation } days (a Small Consultation: { $min } to { $max } days).
error-consult_too_long = A Small Consultation lasts at most { $max } days.
error-consult_report_late = The report of a Small Consultation is due within { $report } days of its end.
error-consult_past_fixed = A date that has passed cannot be changed, and no date can be moved into the past.
error-consult_sign_in = Log in to take part.
error-consult_forbidden = Your role does not allow this.
error-consult_phase = This cannot be done at this stage of the consultation.
error-consult_other_district = This consultation is for residents of other districts.
error-consult_stale = Someone else changed this consultation in the meantime. The page now shows the current version; make your change again.
error-consult_no_method = This consultation does not take part this way: see the ways listed in its plan.
consult-comments-heading = Comments
consult-comments-empty = No comments yet.
consult-comment-label = Your comment
consult-comment-hint = Everyone can read comments, without your name. Every comment gets a published answer in the consultation's report.
consult-comment-submit = Send the comment
consult-comment-login = Log in to write a comment
consult-comment-number = Comment { $n }
consult-channel-web = on the website
consult-channel-app = in the app
consult-channel-paper = on paper
consult-channel-email = by e-mail
consult-channel-letter = by letter
consult-channel-duty_hour = at a duty hour
consult-channel-meeting = at a meeting
consult-record-heading = Type in a comment received another way
consult-record-channel = How it came
consult-record-author = Author
consult-record-author-hint = Optional; kept for the city, never published.
consult-record-body = The comment, as written or said
consult-record-submit = Save the comment
consult-record-closed = Comments cannot be typed in at this stage, or the plan takes none of these ways.
consult-error-channel = Choose how the comment came.
flash-consult-commented = Thank you: your comment has been received.
flash-consult-recorded = The comment has been saved.
my-consultations-heading = My comments in consultations
my-consultations-empty = You have not commented in a consultation yet.
my-consultations-link = See the consultations
consult-hide-reason = Why hide comment { $n } (its author sees this)
consult-hide = Hide
flash-consult-hidden = The comment has been hidden; its author sees the reason.
my-consultations-hidden = Hidden by a moderator:
consult-hide-reason-required = Give the reason for hiding the comment (up to 200 characters).
consult-about-document = { $title } (the whole document)
consult-answer-count = { $n ->
    [one] { $n } comment
   *[other] { $n } comments
}
consult-answer-draft = Draft, not public yet
consult-answer-heading = The city's answer:
consult-answer-new = A new answer (below)
consult-answer-none-ticked = Tick at least one comment to answer.
consult-answers-author-more = its author wrote { $n } comments
consult-answers-context = The paragraph commented on:
consult-answers-disposition = Disposition
consult-answers-edit = Change this answer
consult-answers-empty = No comments here.
consult-answers-filter = Which comments
consult-answers-give = Answer the ticked comments
consult-answers-justification = Justification (published with every comment it answers)
consult-answers-reuse = Answer
consult-answers-reuse-hint = Write a new answer, or give the ticked comments an answer already written for the same point.
consult-answers-save = Save the answer
consult-answers-show-all = All
consult-answers-show-answered = Answered
consult-answers-show-unanswered = Waiting for an answer
consult-answers-submit = Answer the ticked comments
consult-answers-tick = Comments (tick those that get the same answer)
consult-answers-waiting = { $n ->
    [one] { $n } comment waits for an answer.
   *[other] { $n } comments wait for an answer.
}
consult-answers-written = Answers written
consult-change-edited = Changed
consult-change-added = Added
consult-change-removed = Removed
consult-changes-hint = What was removed is struck through, what was added is underlined. Comments stay with their paragraph.
consult-changes-none = Nothing changed in the text.
consult-changes-title = What changed in version { $n }
consult-changes-unchanged = { $n ->
    [one] { $n } paragraph stayed as it was.
   *[other] { $n } paragraphs stayed as they were.
}
consult-col-about = About
consult-col-channel = How it came
consult-col-comment = Comment
consult-col-date = Date
consult-col-disposition = Disposition
consult-col-justification = Justification
consult-col-number = No.
consult-diff-inserted = added:
consult-diff-removed = removed:
consult-disposition-accepted = Accepted
consult-disposition-partly_accepted = Partly accepted
consult-disposition-not_accepted = Not accepted
consult-disposition-not_applicable = Not applicable
consult-disposition-choose = Choose…
consult-doc-changes-link = What changed in version { $n }
consult-doc-hint = Comment on a paragraph or a section with the link below it, or on the whole document at the end of the page.
consult-doc-history = Earlier versions of this text
consult-doc-paragraph = Paragraph { $n }
consult-doc-paragraph-comment = Comment on this paragraph
consult-doc-paragraph-comments = { $n ->
    [one] { $n } comment – read or add yours
   *[other] { $n } comments – read or add yours
}
consult-doc-paragraph-label = Your comment on this paragraph
consult-doc-removed-notice = This paragraph was removed in version { $n }. Its comments are kept with the text they were made on.
consult-doc-removed-title = Removed paragraph
consult-doc-section = Section: { $title }
consult-doc-section-comment = Comment on this section
consult-doc-section-comments = { $n ->
    [one] { $n } comment on this section – read or add yours
   *[other] { $n } comments on this section – read or add yours
}
consult-doc-version = Version { $n }
consult-doc-versions = Versions
consult-doc-what-changed = what changed
consult-doc-whole-comments = Comments on the whole document
consult-doc-whole-label = Your comment on the whole document
consult-docs-add = Add the document
consult-docs-comment-hint = To comment on a particular paragraph, open the document.
consult-docs-empty = No documents yet.
consult-docs-heading = Documents
consult-docs-locked = Documents cannot be changed at this stage, or your role does not allow it.
consult-docs-new-version = New version (version { $n })
consult-docs-note = What changed
consult-docs-note-hint = Optional; shown with the version.
consult-docs-save-version = Save the new version
consult-docs-source = The text
consult-docs-source-hint = Paste the draft as Markdown or plain text: a blank line between paragraphs, a line starting with # for a section's heading, list items as paragraphs of their own. HTML tags are dropped.
consult-docs-staff-title = Documents for comments
consult-docs-title-label = Title
consult-error-target = The comment's paragraph or answer is not part of this consultation any more: reload the page.
consult-field-report-due-on = report due on { $day }
consult-record-target = About
consult-report-answers = Comments and answers
consult-report-bar = Chart
consult-report-by-channel = Comments by how they came
consult-report-by-day = Comments by day
consult-report-by-disposition = Comments by disposition
consult-report-comments = { $n ->
    [one] { $n } comment
   *[other] { $n } comments
}
consult-report-count = Comments
consult-report-csv = Download as CSV
consult-report-ods = Download as a spreadsheet (ODS)
consult-report-figures = Participation
consult-report-link = Read the report with every answer
consult-report-not-yet = The report cannot be published yet:
consult-report-participants = { $n ->
    [one] { $n } participant
   *[other] { $n } participants
}
consult-report-publish = Publish the report and every answer
consult-report-publish-heading = The report
consult-report-publish-text = Every comment has an answer. Publishing makes all answers public at once and tells the participants by e-mail; it cannot be undone.
consult-report-title = Report: { $title }
consult-staff-tabs = This consultation
consult-tab-answers = Answers and report
consult-tab-documents = Documents
consult-tab-plan = Plan
consult-tab-record = Type in comments
consult-target-document = { $title } (the whole document)
consult-target-whole = The consultation as a whole
error-consult_unanswered = Some comments still have no answer: every comment must be answered before the report is published.
flash-consult-answered = The answer has been saved as a draft; it becomes public with the report.
flash-consult-document-added = The document has been added.
flash-consult-document-version = The new version has been saved; comments stay with their paragraphs.
flash-consult-reported = The report has been published and the participants told.
consult-doc-removed-resend = The paragraph is no longer in the draft. Send your text as a comment on the whole document instead:
consult-monitoring = Participation so far
consult-report-overdue = The report is overdue: it should have been published by now.
consult-report-due-soon = { $n ->
    [0] The report is due today.
    [one] The report is due in { $n } day.
   *[other] The report is due in { $n } days.
}
consult-map-heading = Map of the consultations' areas
consult-map-hint = Coloured districts are concerned by consultations under way (red) or announced (blue); select a district to list them. The same consultations are listed below.
consult-map-open = under way
consult-map-coming = announced
consult-map-none = No consultation under way or announced concerns this district.
consult-map-city-wide = the whole city
