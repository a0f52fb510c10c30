## Form errors and error pages

error-summary-title = Popraw błędy w formularzu
error-prefix = Błąd:
error-required = To pole jest wymagane.
error-too_long = Tekst jest za długi.
error-too_short = Tekst jest za krótki.
error-email_invalid = Podaj adres e-mail w poprawnym formacie, np. jan.kowalski@example.pl.
error-password_too_short = Hasło musi mieć co najmniej 10 znaków.
error-password_too_long = Hasło może mieć najwyżej 256 znaków.
error-password_same_as_email = Hasło nie może być takie samo jak adres e-mail.
error-passwords_differ = Hasła nie są takie same.
error-role_unknown = Wybierz rolę z listy.
error-role_needs_unit = Pracownik jednostki miejskiej musi mieć przypisaną jednostkę.
error-role_takes_no_unit = Jednostkę przypisuje się tylko pracownikom jednostek miejskich.
error-locale_unknown = Wybierz język z listy.
error-code_invalid = Kod może zawierać tylko litery bez polskich znaków, cyfry oraz znaki . _ -
error-kind_unknown = Wybierz rodzaj z listy.
error-number_invalid = Podaj liczbę.
error-phone_invalid = Podaj numer telefonu, np. 600 100 200 albo +48 12 616 55 55.
error-status_unknown = Wybierz status z listy.
error-channel_unknown = Wybierz kanał z listy.
error-tracking_number_invalid = Podaj numer zgłoszenia w postaci 2026/001234.
error-category_unknown = Wybierz kategorię z listy.
error-district_unknown = Wybierz dzielnicę z listy.
error-unit_unknown = Wybierz jednostkę z listy.
error-location_missing = Wskaż miejsce na mapie albo wpisz adres.
error-outside_city = To miejsce leży poza granicami miasta. Zgłoszenia przyjmujemy tylko z terenu miasta.
error-consent_required = Podano dane kontaktowe bez zgody na ich użycie: wyraź zgodę na kontakt albo usuń te dane.
error-pesel_format = PESEL ma 11 cyfr. Sprawdź, czy wpisano wszystkie.
error-pesel_checksum = Ten numer PESEL jest niepoprawny (nie zgadza się cyfra kontrolna). Sprawdź, czy nie ma literówki.
error-pesel_date = Ten numer PESEL nie zawiera poprawnej daty urodzenia. Sprawdź pierwsze sześć cyfr.
error-placeholder_unknown = Tekst zawiera nieznane pole w nawiasach klamrowych. Można użyć: {"{"}number{"}"}, {"{"}category{"}"}, {"{"}address{"}"}, {"{"}unit{"}"}, {"{"}date{"}"}.
error-disposition_unknown = Wybierz rozstrzygnięcie z listy: uwzględniona, częściowo uwzględniona, nieuwzględniona albo nie dotyczy przedmiotu konsultacji.
error-photos-too-many = Możesz dołączyć najwyżej 5 zdjęć.
error-calls_date = Wiersz { $line }: data nie jest datą (użyj 2025-01-31 albo 31.01.2025).
error-calls_missing = Wiersz { $line }: brak liczby połączeń.
error-calls_number = Wiersz { $line }: liczba połączeń nie jest liczbą całkowitą.
error-calls_repeated = Wiersz { $line }: ten dzień występuje w pliku dwa razy.
error-calls_too_many = Plik zawiera zbyt wiele dni (najwyżej 10 000).
error-calls_empty = Nie ma czego importować: plik nie zawiera wierszy z danymi.
error-question-choice-line = Ten wiersz nie ma postaci klucz | nazwa polska | nazwa angielska (albo powtarza klucz): { $line }
error-question-choices-needed = Odpowiedź z listy potrzebuje co najmniej jednej możliwości.
error-question-choices-only-for-lists = Możliwe odpowiedzi podaje się tylko przy odpowiedziach z listy.
error-questions-too-many = Kategoria może zadawać najwyżej 20 pytań.
error-photo_too_large = Plik { $file } jest większy niż 7 MB.
error-photo_type = Plik { $file } nie jest zdjęciem JPEG, PNG ani WebP.
error-photo_unreadable = Nie udało się odczytać zdjęcia { $file }.
error-photo_too_many_pixels = Zdjęcie { $file } ma zbyt dużą rozdzielczość.
error-report_not_found = Nie ma zgłoszenia o tym numerze.
error-status_not_for_kind = Ten status nie dotyczy tego rodzaju zgłoszenia.
error-status_unchanged = Zgłoszenie ma już ten status.
error-status_transition_forbidden = Tego statusu nie można ustawić po obecnym.
error-report_merged = Zgłoszenie połączono z innym – zmień status zgłoszenia głównego.
error-report_changed_meanwhile = Ktoś w międzyczasie zmienił to zgłoszenie. Sprawdź jego aktualny stan.
error-merge_itself = Nie można połączyć zgłoszenia z nim samym.
error-merge_kind_mismatch = Nie można połączyć problemu z pomysłem.
error-merge_target_merged = Wskazane zgłoszenie samo zostało połączone z innym – podaj zgłoszenie główne.
error-merge_already_merged = To zgłoszenie jest już połączone z innym.
error-merge_has_followers = Z tym zgłoszeniem połączono inne – najpierw połącz je ze zgłoszeniem docelowym.
error-merge_other_unit = To zgłoszenie należy do innej jednostki: połączyć z nim może tylko ta jednostka albo centrum kontaktu.
error-page-category_unknown = Wybrana kategoria nie przyjmuje zgłoszeń.
error-page-status_unknown = Nieznany status.
error-page-routing_default_required = Jednostki domyślnej kategorii nie można usunąć, można ją tylko zmienić.
error-code-taken = Ten kod jest już używany.
error-unit-unknown = Wybierz jednostkę z listy.
error-last-admin = Nie można odebrać uprawnień ostatniemu aktywnemu administratorowi.
error-login-failed = Nieprawidłowy adres e-mail lub hasło.
error-login-disabled = To konto zostało zablokowane. Zadzwoń na infolinię miejską, aby wyjaśnić sprawę.
error-login-unconfirmed = Najpierw potwierdź adres e-mail: kliknij link w wiadomości, którą wysłaliśmy.
error-login-locked = Było zbyt wiele nieudanych prób logowania na to konto. Aby zalogować się teraz, ustaw nowe hasło przez link wysłany na Twój adres e-mail.
error-password-wrong = Hasło jest nieprawidłowe.
error-too-many-attempts = Zbyt wiele prób. Spróbuj ponownie za { $minutes ->
    [one] { $minutes } minutę
    [few] { $minutes } minuty
    [many] { $minutes } minut
   *[other] { $minutes } minuty
}.
error-token_invalid = Ten link jest nieprawidłowy. Sprawdź, czy został skopiowany w całości.
error-token_expired = Ten link wygasł. Poproś o nowy.
error-token_used = Ten link został już użyty. Jeśli nadal go potrzebujesz, poproś o nowy.

error-coordinates_invalid = To nie są współrzędne miejsca na Ziemi.
error-coordinates_pair = Podaj obie współrzędne punktu (szerokość i długość geograficzną) albo żadnej.

error-page-title = Nie możemy wyświetlić tej strony
error-page-status = Kod błędu: { $status }
error-page-home = Przejdź na stronę główną
error-page-not_found = Nie ma takiej strony. Sprawdź adres albo przejdź na stronę główną.
error-page-forbidden = Nie masz uprawnień do tej strony.
error-page-login_required = Zaloguj się, aby zobaczyć tę stronę.
error-page-csrf = Formularz wygasł albo został wysłany z innej strony. Wróć do formularza, odśwież stronę i wyślij go ponownie.
error-page-payload_too_large = Przesłane dane są zbyt duże.
error-page-unsupported_media_type = Tego rodzaju danych nie można tu przesłać.
error-page-too_many_requests = Zbyt wiele prób. Spróbuj ponownie za chwilę.
error-page-retry-in = Zbyt wiele prób. Spróbuj ponownie za { $minutes ->
    [one] { $minutes } minutę
    [few] { $minutes } minuty
    [many] { $minutes } minut
   *[other] { $minutes } minuty
}.
error-page-internal = Wystąpił błąd po naszej stronie. Spróbuj ponownie za chwilę, a jeśli problem się powtarza, zadzwoń na infolinię miejską.
error-page-bad_request = Nie udało się odczytać żądania.
error-page-stats_filter = Nie udało się odczytać filtrów tej tabeli: sprawdź okres, dzielnicę i jednostkę w adresie.
error-page-opendata_filter = Nie udało się odczytać filtrów: from i to to dni (2025-01-31), kind to problem albo idea, category to kod kategorii, a district – numer dzielnicy.
error-page-busy = Właśnie przesyłanych jest wiele zdjęć. Poczekaj chwilę i wyślij formularz ponownie.
error-page-page_invalid = Numer strony („page”) musi być liczbą całkowitą od 1 do 10000.
error-page-method_not_allowed = Tej strony nie można otworzyć w ten sposób.
error-page-form_malformed = Nie udało się odczytać formularza. Wróć i spróbuj ponownie.
error-page-language_unknown = Wybrany język nie jest dostępny.
error-page-action_unknown = Nieznana operacja.
error-api-client-name-taken = Aplikacja o tej nazwie już istnieje.
error-page-budget_forbidden = Twoja rola nie pozwala na to w budżecie obywatelskim.
error-page-budget_not_author = Tylko autor projektu może to zrobić.
error-page-budget_other_unit = Ten projekt weryfikuje inna jednostka.
error-page-budget_phase = Na tym etapie edycji nie można tego zrobić – sprawdź harmonogram.
error-page-budget_no_key = Ta edycja powstała przed wprowadzeniem zaszyfrowanych kart i nie przyjmuje głosów.
error-page-budget_opened = Karty zostały już otwarte do liczenia: nie można już głosować, wpisywać kart ani zmieniać harmonogramu.
error-page-budget_not_counted = Najpierw trzeba policzyć wszystkie głosy.
error-page-budget_status = Status projektu na to nie pozwala.
error-page-budget_no_appeal = Nie ma nierozpatrzonego odwołania.
error-page-budget_appeal_filed = Autor już się odwołał.
error-page-budget_not_funded = Ten projekt nie został wybrany do realizacji.
error-page-budget_stale = Ktoś zmienił to w międzyczasie albo etap edycji się zmienił. Odśwież stronę i spróbuj jeszcze raz.

## Własny komunikat wymaganego pola, z jego nazwą
error-email-required = Podaj adres e-mail.
error-password-required = Podaj hasło.
error-password_confirm-required = Podaj hasło jeszcze raz.
error-current_password-required = Podaj obecne hasło.
error-full_name-required = Podaj imię i nazwisko.
error-pesel-required = Podaj numer PESEL.
error-title-required = Podaj tytuł projektu.
error-summary-required = Podaj krótkie streszczenie projektu.
error-name_pl-required = Podaj nazwę po polsku.
error-name_en-required = Podaj nazwę po angielsku.
error-code-required = Podaj kod.
error-reason-required = Podaj uzasadnienie.
error-category-required = Wybierz kategorię.
error-district-required = Wybierz dzielnicę.
error-unit-required = Wybierz jednostkę miejską.
error-description-required = Opisz problem albo pomysł.
