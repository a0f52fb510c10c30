## Registration, login, password, "My city", account

field-email = Adres e-mail
field-password = Hasło
field-new-password = Nowe hasło
field-password-confirm = Powtórz hasło
field-current-password = Obecne hasło
password-hint = Co najmniej { $min } znaków. Najlepiej kilka słów, których nie używasz nigdzie indziej.

register-title = Załóż konto
register-lead = Konto pozwala śledzić Twoje zgłoszenia, brać udział w konsultacjach i głosować w budżecie obywatelskim.
register-email-hint = Wyślemy na ten adres link potwierdzający.
register-submit = Załóż konto
register-have-account = Masz już konto?

check-email-title = Sprawdź skrzynkę e-mail
check-email-lead = Jeśli podany adres jest poprawny, wysłaliśmy na niego wiadomość z linkiem. Otwórz go, aby potwierdzić adres.
check-email-spam = Jeśli wiadomość nie dotrze w ciągu kilku minut, zajrzyj do folderu ze spamem.
check-email-resend-heading = Wiadomość nie dotarła?
check-email-resend = Wyślij link ponownie

confirm-title = Potwierdź adres e-mail
confirm-lead = Kliknij przycisk, aby potwierdzić adres e-mail i aktywować konto.
confirm-submit = Potwierdzam adres e-mail
confirm-resend-title = Wyślij link ponownie
confirm-resend-lead = Podaj adres e-mail konta, a wyślemy nowy link potwierdzający.

login-title = Zaloguj się
login-submit = Zaloguj się
login-forgot = Nie pamiętasz hasła?
login-reset-now = Ustaw nowe hasło
login-no-account = Nie masz konta? Załóż je

forgot-title = Nie pamiętam hasła
forgot-lead = Podaj adres e-mail konta, a wyślemy link do ustawienia nowego hasła.
forgot-submit = Wyślij link
reset-sent-title = Sprawdź skrzynkę e-mail
reset-sent-lead = Jeśli konto z tym adresem istnieje, wysłaliśmy na nie link do ustawienia nowego hasła. Link jest ważny przez godzinę.
reset-title = Ustaw nowe hasło
reset-submit = Zapisz nowe hasło
invitation-title = Ustaw hasło
invitation-lead = Witamy we Wspólnym Mieście. Wybierz hasło, którym będziesz się logować.
invitation-submit = Ustaw hasło
reset-new-link = Poproś o nowy link

my-title = Moje miasto
my-greeting = Zalogowano jako { $email }.
my-unconfirmed = Twój adres e-mail nie jest jeszcze potwierdzony.
my-reports-heading = Zgłoszenia i pomysły
my-reports-empty = Nie masz jeszcze żadnych zgłoszeń ani pomysłów.
my-reports-more = Pokazano 20 najnowszych.
my-supported-heading = Popierane zgłoszenia
my-supported-empty = Nie popierasz jeszcze żadnych zgłoszeń.
my-budget-heading = Budżet obywatelski
my-budget-empty = Nie masz jeszcze projektów ani głosów w budżecie obywatelskim.
my-account-link = Ustawienia konta

account-title = Moje konto
account-details-heading = Dane konta
account-unconfirmed = adres niepotwierdzony
account-role = Rola
account-language = Język
account-password-heading = Zmiana hasła
account-password-submit = Zmień hasło
account-sessions-heading = Zalogowane urządzenia
account-session-started = Zalogowano
account-session-last-seen = Ostatnia aktywność
account-session-this = to urządzenie
account-end-others = Wyloguj pozostałe urządzenia
account-devices-heading = Zalogowane aplikacje
account-devices-none = Żadna aplikacja nie jest zalogowana na Twoje konto. Gdy zalogujesz się w miejskiej aplikacji mobilnej, telefon pojawi się tutaj i będzie można go wylogować (np. gdy go zgubisz).
account-device-name = Urządzenie
account-device-signed-in = Zalogowano
account-device-last-used = Ostatnio użyte
account-device-actions = Działania
account-device-sign-out = Wyloguj
account-data-heading = Twoje dane
account-data-text = Możesz pobrać wszystkie dane, które platforma przechowuje o Twoim koncie, w formacie JSON.
account-data-download = Pobierz moje dane
account-delete-link = Usuń konto

delete-title = Usuń konto
delete-warning = Usunięcia konta nie można cofnąć. Stracisz dostęp do historii swoich spraw.
delete-contributions = Twoje publiczne zgłoszenia i wypowiedzi pozostaną na platformie, ale bez Twojego adresu e-mail ani innych danych osobowych.
delete-download-first = Najpierw pobierz swoje dane
delete-password-hint = Podaj hasło, aby potwierdzić, że to Ty.
delete-submit = Usuń konto na zawsze
my-budget-vote-open = Trwa głosowanie: { $edition }.
my-budget-vote-now = Zagłosuj
my-budget-voted = Głos w edycji { $edition } został oddany (Twój wybór jest tajny).
my-budget-voted-on = Głos w edycji { $edition } został oddany { $day } (Twój wybór jest tajny).
my-budget-edition-link = Zobacz edycję
account-session-device = Urządzenie
account-session-unknown-device = Nieznane urządzenie
account-language-change = Przełącz na angielski
account-language-hint = W tym języku są strony i e-maile (zmiany statusu, potwierdzenia).
account-notifications-heading = Powiadomienia e-mail
account-notifications-legend = Wyślij mi e-mail, gdy
account-notify-own = zmieni się status moich zgłoszeń i pomysłów
account-notify-supported = zmieni się status zgłoszeń, które popieram
account-notifications-save = Zapisz
flash-notifications-saved = Zapisano ustawienia powiadomień.
