## E-mails (plain text)

email-greeting = Hello,
email-signature = Wspólne Miasto
email-not-you = If this message is not meant for you, please ignore it.
email-confirm-subject = Confirm your e-mail address – Wspólne Miasto
email-confirm-intro = thank you for creating an account. To activate it, open the link below and confirm your e-mail address:
email-confirm-expiry = The link is valid for { $hours } hours.
email-already-registered-subject = Attempt to create an account – Wspólne Miasto
email-already-registered-intro = someone, perhaps you, tried to create an account with this e-mail address, but an account with this address already exists.
email-already-registered-login = To log in, open:
email-already-registered-reset = If you have forgotten your password, set a new one here:
email-reset-subject = Set a new password – Wspólne Miasto
email-reset-intro = we received a request to set a new password for your account. To do so, open the link:
email-reset-expiry = The link is valid for { $minutes } minutes and works only once.
email-reset-not-you = If you did not ask for a new password, ignore this message: your password stays as it is.
email-password-changed-subject = Your password has been changed – Wspólne Miasto
email-password-changed-intro = the password of your account has just been changed.
email-password-changed-not-you = If this was not you, set a new password right away:
email-account-deleted-subject = Your account has been deleted – Wspólne Miasto
email-account-deleted-intro = your account on Wspólne Miasto has been deleted, together with its data.
email-account-deleted-contributions = Your public reports and comments remain on the platform without personal data.

email-report-received-subject = Report { $number } received – Wspólne Miasto
email-report-received-intro = we have received your report. Its number is { $number }.
email-report-received-category = Category: { $category }
email-report-received-private = Private link to the report (do not share it):
email-report-received-public = The report’s public page:
email-report-status-subject = Status of report { $number } changed – Wspólne Miasto
email-report-status-intro = the status of report { $number } has changed to:
email-report-status-message = Message from the city:
email-report-status-link = Details:
email-report-feedback-subject = Was { $number } solved? – Wspólne Miasto
email-report-feedback-intro = report { $number } has been closed. Was the problem solved? Please answer two short questions:
email-report-feedback-once = This is the only message of this kind about this report.
email-report-merged-subject = Report { $number } merged with another – Wspólne Miasto
email-report-merged-intro = report { $number } is about the same matter as another one, so we have merged them.
email-report-merged-master = From now on, you will find news of the matter with report { $master }:
