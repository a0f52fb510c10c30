## E-mails (plain text)

email-greeting = Dzień dobry,
email-signature = Wspólne Miasto
email-not-you = Jeśli ta wiadomość Cię nie dotyczy, zignoruj ją.
email-confirm-subject = Potwierdź adres e-mail – Wspólne Miasto
email-confirm-intro = dziękujemy za założenie konta. Aby je aktywować, otwórz poniższy link i potwierdź adres e-mail:
email-confirm-expiry = Link jest ważny przez { $hours } godz.
email-already-registered-subject = Próba założenia konta – Wspólne Miasto
email-already-registered-intro = ktoś, być może Ty, chciał założyć konto na ten adres e-mail, ale konto z tym adresem już istnieje.
email-already-registered-login = Aby się zalogować, otwórz:
email-already-registered-reset = Jeśli nie pamiętasz hasła, ustaw nowe tutaj:
email-reset-subject = Ustaw nowe hasło – Wspólne Miasto
email-reset-intro = otrzymaliśmy prośbę o ustawienie nowego hasła do Twojego konta. Aby to zrobić, otwórz link:
email-reset-expiry = Link jest ważny przez { $minutes } min i można go użyć tylko raz.
email-reset-not-you = Jeśli to nie Ty prosisz o nowe hasło, zignoruj tę wiadomość: dotychczasowe hasło pozostanie bez zmian.
email-password-changed-subject = Hasło zostało zmienione – Wspólne Miasto
email-password-changed-intro = hasło do Twojego konta zostało właśnie zmienione.
email-password-changed-not-you = Jeśli to nie Ty, od razu ustaw nowe hasło:
email-account-deleted-subject = Konto zostało usunięte – Wspólne Miasto
email-account-deleted-intro = informujemy, że Twoje konto na platformie Wspólne Miasto zostało usunięte razem z danymi konta.
email-account-deleted-contributions = Twoje publiczne zgłoszenia i wypowiedzi pozostały na platformie bez danych osobowych.

email-report-received-subject = Zgłoszenie { $number } przyjęte – Wspólne Miasto
email-report-received-intro = przyjęliśmy Twoje zgłoszenie. Jego numer to { $number }.
email-report-received-category = Kategoria: { $category }
email-report-received-private = Prywatny link do zgłoszenia (nie udostępniaj go innym):
email-report-received-public = Publiczna strona zgłoszenia:
email-report-status-subject = Zmiana statusu zgłoszenia { $number } – Wspólne Miasto
email-report-status-intro = status zgłoszenia { $number } zmienił się na:
email-report-status-message = Wiadomość od miasta:
email-report-status-link = Szczegóły:
email-report-feedback-subject = Czy sprawa { $number } została załatwiona? – Wspólne Miasto
email-report-feedback-intro = zgłoszenie { $number } zostało zamknięte. Czy problem został rozwiązany? Odpowiedz na dwa krótkie pytania:
email-report-feedback-once = To jedyna taka wiadomość w sprawie tego zgłoszenia.
email-report-merged-subject = Zgłoszenie { $number } połączone z innym – Wspólne Miasto
email-report-merged-intro = zgłoszenie { $number } dotyczy tej samej sprawy co inne, więc je połączyliśmy.
email-report-merged-master = Od teraz informacje o sprawie znajdziesz przy zgłoszeniu { $master }:
