## Registration, login, password, "My city", account

field-email = E-mail address
field-password = Password
field-new-password = New password
field-password-confirm = Repeat the password
field-current-password = Current password
password-hint = At least { $min } characters. A few words you use nowhere else work best.

register-title = Create an account
register-lead = With an account you can follow your reports, take part in consultations and vote in the citizens’ budget.
register-email-hint = We will send a confirmation link to this address.
register-submit = Create an account
register-have-account = Already have an account?

check-email-title = Check your e-mail
check-email-lead = If the address is correct, we have sent it a message with a link. Open the link to confirm your address.
check-email-spam = If the message does not arrive within a few minutes, check your spam folder.
check-email-resend-heading = No message?
check-email-resend = Send the link again

confirm-title = Confirm your e-mail address
confirm-lead = Press the button to confirm your e-mail address and activate your account.
confirm-submit = Confirm my e-mail address
confirm-resend-title = Send the link again
confirm-resend-lead = Enter your account’s e-mail address and we will send a new confirmation link.

login-title = Log in
login-submit = Log in
login-forgot = Forgotten your password?
login-reset-now = Set a new password
login-no-account = No account yet? Create one

forgot-title = Forgotten password
forgot-lead = Enter your account’s e-mail address and we will send a link to set a new password.
forgot-submit = Send the link
reset-sent-title = Check your e-mail
reset-sent-lead = If an account with this address exists, we have sent it a link to set a new password. The link is valid for one hour.
reset-title = Set a new password
reset-submit = Save the new password
invitation-title = Set your password
invitation-lead = Welcome to Wspólne Miasto. Choose the password you will log in with.
invitation-submit = Set the password
reset-new-link = Ask for a new link

my-title = My city
my-greeting = Logged in as { $email }.
my-unconfirmed = Your e-mail address is not confirmed yet.
my-reports-heading = Reports and ideas
my-reports-empty = You have no reports or ideas yet.
my-reports-more = Showing the 20 newest.
my-supported-heading = Reports you support
my-supported-empty = You do not support any reports yet.
my-budget-heading = Citizens’ budget
my-budget-empty = You have no projects or votes in the citizens’ budget yet.
my-account-link = Account settings

account-title = My account
account-details-heading = Account details
account-unconfirmed = address not confirmed
account-role = Role
account-language = Language
account-password-heading = Change your password
account-password-submit = Change the password
account-sessions-heading = Devices logged in
account-session-started = Logged in
account-session-last-seen = Last active
account-session-this = this device
account-end-others = Log out the other devices
account-devices-heading = Apps signed in
account-devices-none = No app is signed in to your account. When you sign in to the city's mobile app, the phone appears here and you can sign it out (for example if you lose it).
account-device-name = Device
account-device-signed-in = Signed in
account-device-last-used = Last used
account-device-actions = Actions
account-device-sign-out = Sign out
account-data-heading = Your data
account-data-text = You can download everything the platform keeps about your account, as JSON.
account-data-download = Download my data
account-delete-link = Delete my account

delete-title = Delete your account
delete-warning = Deleting your account cannot be undone. You will lose access to the history of your matters.
delete-contributions = Your public reports and comments stay on the platform, without your e-mail address or any other personal data.
delete-download-first = Download your data first
delete-password-hint = Enter your password to confirm it is you.
delete-submit = Delete my account for good
my-budget-vote-open = Voting is open in { $edition }.
my-budget-vote-now = Vote now
my-budget-voted = You voted in { $edition } (your choices are secret).
my-budget-voted-on = You voted in { $edition } on { $day } (your choices are secret).
my-budget-edition-link = See the edition
account-session-device = Device
account-session-unknown-device = Unknown device
account-language-change = Switch to Polish
account-language-hint = Pages and e-mails (status changes, receipts) use this language.
account-notifications-heading = E-mail notifications
account-notifications-legend = Send me an e-mail when
account-notify-own = my reports and ideas change status
account-notify-supported = reports I support change status
account-notifications-save = Save
flash-notifications-saved = Your notification settings have been saved.
