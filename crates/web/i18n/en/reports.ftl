## Contact centre: reporting, public pages, questionnaire

nav-reports = Reports
choose = Choose…
home-report-heading = Report a problem or an idea
home-report-text = A hole in the pavement, a broken street lamp, an idea for a new pedestrian crossing? Report it – it goes to the right city unit, and you can follow what happens.
home-report-browse = See residents’ reports

reports-title = Reports
reports-filter-label = Filter reports
reports-empty = No reports match.
reports-back = Back to the list of reports
filter-from = From
filter-to = To

report-new-problem-title = Report a problem
report-questions-legend = A few questions about this matter
report-answer-answer_missing = Answer the question: { $question }
report-answer-answer_not_a_choice = Choose an answer from the list: { $question }
report-answer-answer_one_only = Choose one answer: { $question }
report-answer-answer_not_a_number = Give a number: { $question }
report-answer-answer_not_a_datetime = Give a date and time: { $question }
report-answer-answer_too_long = The answer is too long: { $question }
report-new-idea-title = Submit an idea
report-new-problem-lead = Describe what needs fixing or cleaning. Your report goes to the city unit in charge.
report-new-idea-lead = Share an idea to improve your neighbourhood. It goes to the city unit that can make it happen.
report-switch-to-problem = Reporting a problem rather than an idea?
report-switch-to-idea = Got an idea rather than a problem?
report-step = Step { $step } of 2
report-details-problem-title = Describe the problem
report-details-idea-title = Describe the idea
field-category = Category
report-where-legend = Where?
report-where-hint = Mark the place on the map, use your location, or type an address and choose the district.
report-map-hint = Click the map or drag the marker. Move the map with the arrow keys and zoom with plus and minus.
report-map-label = Map to mark the place
report-use-position = Use my location
field-address = Address or description of the place
field-address-hint = For example: ul. Długa 12, or the Teatr Bagatela stop.
field-district = District
field-district-hint = Needed if you do not mark the place on the map.
field-district-unknown = I don’t know (I mark the place on the map)
report-next = Next
report-summary-heading = Your report
report-point = Coordinates
report-change-where = Change the category or the place
report-nearby-heading = Similar reports nearby
report-nearby-lead = Someone may have reported this already. If it is the same matter, support the existing report – you will hear about its progress.
report-nearby-go-on = If it is a different matter, fill in the form below.
report-metres-away = about { $metres } m from here
report-support = I support this report
report-support-email = Your e-mail address (for updates)
report-support-email-hint = We will send a link to confirm it, then news of status changes.
field-description-problem = What is the problem?
field-description-idea = What is the idea?
field-description-hint = 10 to 5000 characters. Do not write personal data here – the description is public.
field-photos = Photos
field-photos-hint = Up to 5 JPEG, PNG or WebP photos, up to 7 MB each. We remove location and camera data from them.
report-photos-kept = { $count ->
    [one] Your photo is kept: you need not attach it again.
   *[other] Your { $count } photos are kept: you need not attach them again.
}
report-photo-kept-alt = Photo { $number }, already sent
report-photo-remove = Remove photo { $number }
report-contact-legend = Contact (optional)
report-contact-hint = Give an e-mail address if you want updates. Only city staff see contact details.
report-contact-logged-in = Logged in as { $email } – updates go to this address. You may give other contact details too.
field-contact-name = Name
field-phone = Phone
field-consent = I agree that the city may contact me about this report.
report-send = Send the report

report-title = Report { $number }
report-private-notice = This is your private link to the report. Keep it: only this page shows the details given in the report.
report-merged-notice = This report was merged with another one about the same matter:
report-status = Status
report-kind = Kind
report-number = Number
report-channel = Channel
report-approximate-place = Approximate place
report-on-map = show on a map
report-received = Received
report-handled-by = Handled by
report-support-count = Supports
report-supports = { $count ->
    [one] { $count } support
   *[other] { $count } supports
}
report-own-heading = Your report
report-description-heading = Description
report-photos-heading = Photos
report-photos-pending = Photos appear on the report's public page once the city has checked that they show no faces, number plates or other personal data.
report-photo-pending = awaiting a check
report-photo-alt = Photo { $n } attached to the report
report-timeline-heading = History
report-event-created = Report received
report-event-merged = Merged with report { $number }
report-support-heading = Support this report
report-support-lead = Same matter for you? Support this report instead of sending a new one.
report-supported-already = You support this report. We will tell you about changes.
report-staff-view = Staff view

channel-web = Website
channel-api = App
channel-phone = Phone
channel-email = E-mail
channel-counter = Service counter

status-problem-new = New
status-problem-under_analysis = Under analysis
status-problem-being_solved = Being solved
status-problem-solved = Solved
status-problem-not_found = Problem not found
status-problem-outside_competence = Outside the city’s competence
status-problem-unfounded = Unfounded
status-problem-awaiting_funding = Awaiting funding
status-idea-new = New
status-idea-under_analysis = Under analysis
status-idea-being_implemented = Being implemented
status-idea-implemented = Implemented
status-idea-temporary_solution = Temporary solution
status-idea-unfounded = Unfounded idea
status-idea-awaiting_funding = Awaiting funding
status-idea-outside_competence = Outside the city’s competence
status-any-new = New
status-any-under_analysis = Under analysis
status-any-being_solved = Being solved
status-any-solved = Solved
status-any-not_found = Problem not found
status-any-outside_competence = Outside the city’s competence
status-any-unfounded = Unfounded
status-any-awaiting_funding = Awaiting funding
status-any-being_implemented = Being implemented
status-any-implemented = Implemented
status-any-temporary_solution = Temporary solution

feedback-title = Was it solved?
feedback-lead = Report { $number } has been closed. Tell us what you think.
feedback-solved = Was the problem solved?
feedback-score = How do you rate how it was handled? (1 – very poor, 5 – very good)
feedback-score-value = { $score }
feedback-submit = Send the answer
feedback-thanks = Thank you for your answer.

flash-report-sent = Thank you! Your report has been received.
flash-report-already-sent = This report has already been sent.
flash-supported = Thank you for your support. We will tell you about changes.
flash-already-supported = You already support this report.
flash-support-closed = This report can no longer be supported.

map-attribution = © OpenStreetMap contributors
map-marker-label = Chosen place
map-picked = Chosen place:
map-locating = Finding your location…
map-locate-failed = Your location could not be found. Mark the place on the map or type an address.
reports-map-heading = Map of reports
flash-support-check-email = We have sent a link to that e-mail address. The support counts once it is opened.
flash-support-confirmed-again = This address already supported the report – nothing changed.
support-confirm-title = Confirm your support
support-confirm-lead = Confirm that you support report { $number } and want to hear about its updates.
support-confirm-see = See the report
support-confirm-submit = I support this report
support-confirm-list = Go to the list of reports
error-support-token_invalid = This link is not valid. Check that you copied all of it.
error-support-token_expired = This link has expired. You can support the report again on its page.
error-support-token_used = This link has already been used – the support was counted.

## Places: address search and the pin
places-pinned = The pin was put at the address you typed: { $address }. If that is not the place, change it.
places-named = The nearest address to your pin: { $address }.
places-far-heading = The address and the pin do not agree
places-far = The address you typed ({ $address }) is about { $metres } m from the pin on the map. Check which one is right and change the other; the city's staff go to the pin.
places-search-label = Find an address
places-search-hint = For example "ul. Karmelicka 20" or "al. Mickiewicza".
places-search-button = Find
places-search-none = No address found. Check the spelling, or put the pin on the map.
places-search-results = Addresses found – choose one:
places-search-failed = Address search is not available now. Put the pin on the map or type the address.
places-far-check = The address and the pin are far apart. Correct one of them, or send again to keep both.
map-view-label = Map of the place
map-near-street = Near { $street }
map-approximate = (approximately, to about 100 m)
report-place = Place
