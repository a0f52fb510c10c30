## Layout, navigation and shared words

site-name = Wspólne Miasto
skip-to-content = Skip to main content
nav-label = Main menu
nav-menu = Menu
nav-menu-close = Close the menu
nav-home = Home
nav-my-city = My city
nav-account = My account
nav-admin = Administration
nav-login = Log in
nav-register = Create an account
nav-logout = Log out
# Shown on pages in the other language, as the button that switches to this one.
language-switch = English
language-current = English
footer-hotline = City hotline: 12 616 55 55, Monday to Friday, 7:40–15:30.
footer-about = Wspólne Miasto (“Common City”) – an open platform for residents to work with their city.

home-title = Home
home-heading = Wspólne Miasto: { $city }
home-lead = One account for what you do with the city: reporting problems and ideas, and the citizens’ budget.
home-account-heading = Your account
home-account-text = Create an account to follow your matters in one place. All you need is an e-mail address and a password.
home-go-my-city = Go to “My city”
home-contact-heading = Contacting the city
home-contact-text = The Kraków Contact Centre answers on 12 616 55 55, Monday to Friday, 7:40–15:30.

cancel = Cancel
save = Save
optional = Optional.
yes = yes
no = no
filter-any = All
filter-apply = Filter
pager-label = Result pages
pager-prev = Previous page
pager-next = Next page
pager-position = Page { $page }
pager-page = Page
results-count-capped = More than { $count } results. Narrow the filters to see further.
results-count = { $count ->
    [one] { $count } result
   *[other] { $count } results
}
minutes = { $count ->
    [one] { $count } minute
   *[other] { $count } minutes
}

role-resident = Resident
role-operator = Hotline operator
role-unit_staff = City unit staff
role-official = Official
role-moderator = Moderator
role-admin = Administrator

kind-problem = Problem
kind-idea = Idea

flash-logged-in = You are logged in.
flash-logged-out = You are logged out.
flash-email-confirmed = Your e-mail address is confirmed.
flash-confirmation-resent = If the account is waiting for confirmation, we have sent a new link.
flash-password-reset = Your password has been changed. Log in with the new password.
flash-invitation-accepted = Your password is set. Log in to start.
flash-password-changed = Your password has been changed. Your other devices have been logged out.
flash-sessions-ended = Your other devices have been logged out.
flash-calls-imported = The call figures have been imported.
flash-question-saved = The question has been saved.
flash-question-removed = The question has been removed.
developers-api-title = API for app developers
developers-api-lead = Everything a resident does on this platform can be done by an app through this JSON API. The reference below is generated from the API itself and is in English.
developers-api-document = The OpenAPI document
developers-api-base = Base address:
developers-open311 = Open311 GeoReport v2 for city back-offices and existing apps
developers-api-contents = Contents
developers-api-schemas = Schemas
developers-auth-required = Needs a bearer token.
developers-auth-optional = A bearer token is optional.
developers-auth-none = Needs no token.
developers-body = Body:
developers-parameters = Parameters:
developers-responses = Responses:
developers-fields = Fields:
developers-col-name = Name
developers-col-in-type = Where, type
developers-col-required = Required
developers-col-meaning = Meaning
developers-col-status = Status
developers-col-body = Body
developers-col-field = Field
developers-col-type = Type
developers-col-always = Always present
developers-yes = yes
developers-no = no
footer-developers = For app developers
flash-device-signed-out = The device has been signed out.
flash-account-deleted = Your account has been deleted.
flash-saved = Changes saved.
flash-role-changed = The role has been changed.
flash-user-disabled = The account has been disabled.
flash-user-enabled = The account has been enabled.
flash-api-key-revoked = Key revoked – the application can no longer send reports with it.
photos-preparing = Preparing the photos for sending…
photos-ready = Photos ready to send (large ones were made smaller).
age-today = today
age-yesterday = yesterday
age-days = { $count } days ago
home-open-heading = Open now
home-open-vote = Voting is open in { $edition }.
home-open-vote-link = Vote
home-open-consultation = Consultation open: { $title }.
home-open-consultation-link = Take part
home-open-submit = Projects can be submitted to { $edition }.
home-open-submit-link = Submit a project
home-open-results = The results of { $edition } are published.
home-open-results-link = See the results
home-figures-heading = The contact centre in figures
home-figures-received = reports this year
home-figures-open = being handled now
home-figures-closed = closed this year
home-figures-more = More figures
home-recent-heading = Latest reports
home-account-text-logged-in = Your reports, the reports you support and your votes are in one place.
