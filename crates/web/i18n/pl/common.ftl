## Layout, navigation and shared words

site-name = Wspólne Miasto
skip-to-content = Przejdź do treści
nav-label = Menu główne
nav-menu = Menu
nav-menu-close = Zamknij menu
nav-home = Strona główna
nav-my-city = Moje miasto
nav-account = Moje konto
nav-admin = Administracja
nav-login = Zaloguj się
nav-register = Załóż konto
nav-logout = Wyloguj się
# Shown on pages in the other language, as the button that switches to this one.
language-switch = Polski
language-current = polski
footer-hotline = Infolinia miejska: 12 616 55 55, od poniedziałku do piątku w godz. 7:40–15:30.
footer-about = Wspólne Miasto – otwarta platforma kontaktu mieszkańców z miastem.

home-title = Strona główna
home-heading = Wspólne Miasto: { $city }
home-lead = Jedno konto do kontaktu z miastem: zgłaszanie problemów i pomysłów oraz budżet obywatelski.
home-account-heading = Twoje konto
home-account-text = Załóż konto, aby śledzić swoje sprawy w jednym miejscu. Wystarczy adres e-mail i hasło.
home-go-my-city = Przejdź do „Moje miasto”
home-contact-heading = Kontakt z miastem
home-contact-text = Krakowskie Centrum Kontaktu odpowiada pod numerem 12 616 55 55 od poniedziałku do piątku w godz. 7:40–15:30.

cancel = Anuluj
save = Zapisz
optional = Pole nieobowiązkowe.
yes = tak
no = nie
filter-any = Wszystkie
filter-apply = Filtruj
pager-label = Strony wyników
pager-prev = Poprzednia strona
pager-next = Następna strona
pager-position = Strona { $page }
pager-page = Strona
results-count-capped = Ponad { $count } wyników. Zawęź filtry, aby zobaczyć dalsze.
results-count = { $count ->
    [one] { $count } wynik
    [few] { $count } wyniki
   *[many] { $count } wyników
}
minutes = { $count ->
    [one] { $count } minutę
    [few] { $count } minuty
    [many] { $count } minut
   *[other] { $count } minuty
}

role-resident = Mieszkaniec
role-operator = Konsultant infolinii
role-unit_staff = Pracownik jednostki miejskiej
role-official = Urzędnik
role-moderator = Moderator
role-admin = Administrator

kind-problem = Problem
kind-idea = Pomysł

flash-logged-in = Zalogowano.
flash-logged-out = Wylogowano.
flash-email-confirmed = Adres e-mail został potwierdzony.
flash-confirmation-resent = Jeśli konto czeka na potwierdzenie, wysłaliśmy nowy link.
flash-password-reset = Hasło zostało zmienione. Zaloguj się nowym hasłem.
flash-invitation-accepted = Hasło zostało ustawione. Zaloguj się, aby zacząć.
flash-password-changed = Hasło zostało zmienione. Pozostałe urządzenia wylogowano.
flash-sessions-ended = Pozostałe urządzenia zostały wylogowane.
flash-calls-imported = Liczby połączeń zostały zaimportowane.
flash-question-saved = Pytanie zostało zapisane.
flash-question-removed = Pytanie zostało usunięte.
developers-api-title = API dla twórców aplikacji
developers-api-lead = Wszystko, co mieszkaniec robi na tej platformie, aplikacja może zrobić przez to API JSON. Poniższa dokumentacja powstaje z samego API i jest po angielsku.
developers-api-document = Dokument OpenAPI
developers-api-base = Adres bazowy:
developers-open311 = Open311 GeoReport v2 dla systemów urzędu i istniejących aplikacji
developers-api-contents = Spis treści
developers-api-schemas = Schematy
developers-auth-required = Wymaga tokenu (bearer).
developers-auth-optional = Token (bearer) jest opcjonalny.
developers-auth-none = Nie wymaga tokenu.
developers-body = Treść:
developers-parameters = Parametry:
developers-responses = Odpowiedzi:
developers-fields = Pola:
developers-col-name = Nazwa
developers-col-in-type = Gdzie, typ
developers-col-required = Wymagany
developers-col-meaning = Znaczenie
developers-col-status = Status
developers-col-body = Treść
developers-col-field = Pole
developers-col-type = Typ
developers-col-always = Zawsze obecne
developers-yes = tak
developers-no = nie
footer-developers = Dla twórców aplikacji
flash-device-signed-out = Urządzenie zostało wylogowane.
flash-account-deleted = Konto zostało usunięte.
flash-saved = Zapisano zmiany.
flash-role-changed = Rola została zmieniona.
flash-user-disabled = Konto zostało zablokowane.
flash-user-enabled = Konto zostało odblokowane.
flash-api-key-revoked = Klucz unieważniony – aplikacja nie wyśle już nim zgłoszeń.
photos-preparing = Przygotowujemy zdjęcia do wysłania…
photos-ready = Zdjęcia gotowe do wysłania (duże zostały zmniejszone).
age-today = dziś
age-yesterday = wczoraj
age-days = { $count ->
    [one] { $count } dzień temu
   *[other] { $count } dni temu
}
home-open-heading = Teraz możesz
home-open-vote = Trwa głosowanie: { $edition }.
home-open-vote-link = Zagłosuj
home-open-consultation = Trwają konsultacje: { $title }.
home-open-consultation-link = Weź udział
home-open-submit = Trwa zgłaszanie projektów: { $edition }.
home-open-submit-link = Zgłoś projekt
home-open-results = Opublikowano wyniki: { $edition }.
home-open-results-link = Zobacz wyniki
home-figures-heading = Centrum kontaktu w liczbach
home-figures-received = zgłoszeń w tym roku
home-figures-open = w trakcie załatwiania
home-figures-closed = zamkniętych w tym roku
home-figures-more = Więcej liczb
home-recent-heading = Najnowsze zgłoszenia
home-account-text-logged-in = Twoje zgłoszenia, poparcia i głosy są w jednym miejscu.
