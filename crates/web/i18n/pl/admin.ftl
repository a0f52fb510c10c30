## Admin area

admin-title = Administracja
admin-nav-label = Menu administracji
admin-users-title = Użytkownicy
admin-units-title = Jednostki miejskie
admin-categories-title = Kategorie zgłoszeń
admin-audit-title = Dziennik zdarzeń
admin-outbox-title = Skrzynka nadawcza
admin-districts = Dzielnice
admin-jobs-heading = Zadania w tle
admin-jobs-queued = W kolejce
admin-jobs-running = W toku
admin-jobs-failed = Nieudane
admin-mail-outbox = Poczta nie jest wysyłana: wiadomości trafiają do skrzynki nadawczej (tryb deweloperski).
admin-mail-smtp = Poczta jest wysyłana przez serwer SMTP.

admin-users-search = Szukaj użytkowników
admin-users-search-email = Adres e-mail zawiera
admin-users-empty = Brak użytkowników spełniających kryteria.
admin-unit = Jednostka
admin-unit-hint = Tylko dla roli „Pracownik jednostki miejskiej”.
admin-unit-none = (brak)
admin-user-status = Stan
admin-user-active = aktywne
admin-user-disabled = zablokowane
admin-user-created = Utworzono
admin-user-last-login = Ostatnie logowanie
admin-user-role-heading = Rola i jednostka
admin-user-role-submit = Zmień rolę
admin-user-access-heading = Dostęp
admin-user-disable-text = Zablokowane konto nie może się zalogować, a jego sesje zostaną zakończone.
admin-user-disable = Zablokuj konto
admin-user-enable = Odblokuj konto
admin-user-history = Historia zmian

admin-units-empty = Brak jednostek.
admin-unit-new-title = Nowa jednostka
admin-unit-edit-title = Edycja jednostki
admin-unit-email = Adres e-mail jednostki
admin-categories-empty = Brak kategorii.
admin-category-new-title = Nowa kategoria
admin-category-edit-title = Edycja kategorii
field-code = Kod
field-code-hint = Litery bez polskich znaków, cyfry oraz znaki . _ -, np. ZDMK albo problem.lighting.
field-name = Nazwa
field-name-pl = Nazwa po polsku
field-name-en = Nazwa po angielsku
field-active = Aktywna
field-kind = Rodzaj
field-position = Kolejność
field-position-hint = Mniejsza liczba oznacza wyższą pozycję na liście.

admin-audit-when = Kiedy
admin-audit-who = Kto
admin-audit-action = Zdarzenie
admin-audit-target = Dotyczy
admin-audit-details = Szczegóły
admin-audit-empty = Brak wpisów.
admin-audit-system = system (wiersz poleceń)
admin-audit-deleted-account = usunięte konto
admin-audit-target-user = użytkownik
admin-audit-target-unit = jednostka
admin-audit-target-category = kategoria
audit-action-user_created = Utworzenie konta
audit-action-role_changed = Zmiana roli
audit-action-user_disabled = Zablokowanie konta
audit-action-user_enabled = Odblokowanie konta
audit-action-account_deleted = Usunięcie konta
audit-action-unit_created = Dodanie jednostki
audit-action-unit_updated = Zmiana jednostki
audit-action-category_created = Dodanie kategorii
audit-action-category_updated = Zmiana kategorii
audit-action-reference_data_loaded = Wczytanie danych miasta

admin-outbox-lead = Platforma działa bez serwera SMTP, więc zapisuje tu wiadomości e-mail zamiast je wysyłać.
admin-outbox-search = Szukaj wiadomości
admin-outbox-to = Do
admin-outbox-subject = Temat
admin-outbox-empty = Skrzynka nadawcza jest pusta.
admin-outbox-back = Wróć do skrzynki nadawczej

field-duplicate-radius = Promień szukania duplikatów (m)
field-duplicate-radius-hint = Otwarte zgłoszenia tej kategorii w tej odległości są pokazywane przed wysłaniem nowego (10–5000 m).
admin-category-unit = Jednostka domyślna
admin-category-unit-hint = Tu trafiają zgłoszenia z tej kategorii, jeśli reguła dla dzielnicy nie mówi inaczej.
admin-questions-heading = Pytania do mieszkańców
admin-questions-lead = Dodatkowe pytania przy zgłoszeniach tej kategorii: w formularzu na stronie, w aplikacji mobilnej i dla aplikacji Open311 (jako atrybuty). Na pytania wymagane trzeba odpowiedzieć w każdym kanale.
admin-questions-none = Ta kategoria nie zadaje dodatkowych pytań.
admin-question-text = Pytanie
admin-question-datatype = Rodzaj odpowiedzi
admin-question-choices = Możliwe odpowiedzi
admin-question-required = wymagane
admin-question-change = Zmień
admin-question-remove = Usuń
admin-question-form-heading = Dodaj lub zmień pytanie
admin-question-form-hint = Pytanie z kodem już istniejącego zastępuje je. Wysłane zgłoszenia zachowują swoje odpowiedzi.
admin-question-required-label = Odpowiedź jest wymagana
admin-question-text-pl = Pytanie (po polsku)
admin-question-text-en = Pytanie (po angielsku)
admin-question-hint-pl = Podpowiedź (po polsku)
admin-question-hint-en = Podpowiedź (po angielsku)
admin-question-choices-hint = Tylko dla odpowiedzi z listy: jedna odpowiedź w wierszu, jako klucz | nazwa polska | nazwa angielska, np.: one | Jedna | One
admin-question-save = Zapisz pytanie
datatype-string = Krótki tekst
datatype-number = Liczba
datatype-datetime = Data i godzina
datatype-text = Dłuższy tekst
datatype-singlevaluelist = Jedna odpowiedź z listy
datatype-multivaluelist = Dowolne odpowiedzi z listy

admin-routing-title = Kierowanie zgłoszeń
admin-routing-lead = Każda kategoria ma jednostkę domyślną; dla wybranych dzielnic możesz wskazać inną.
admin-routing-exceptions = Wyjątki dla dzielnic
admin-routing-unit-for = Jednostka dla kategorii { $category }
admin-routing-delete = Usuń wyjątek dla dzielnicy { $district }
admin-routing-add = Dodaj regułę
admin-routing-any-district = Wszystkie dzielnice (jednostka domyślna)
admin-routing-save = Zapisz przydział
flash-nothing-changed = Nic nie zmieniono.
error-routing-rule-unknown = Ten wyjątek już nie istnieje: strona została odświeżona.
audit-action-routing_changed = Zmiana kierowania zgłoszeń
audit-action-report_text_moderated = Moderacja opisu zgłoszenia
audit-action-photo_hidden = Ukrycie zdjęcia
audit-action-photo_published = Publikacja zdjęcia
# Recorded before photos were pre-moderated (entries stay readable).
audit-action-photo_shown = Przywrócenie zdjęcia
audit-action-api_key_issued = Wydanie klucza API
audit-action-api_key_revoked = Unieważnienie klucza API
audit-action-budget_edition_created = Utworzenie edycji budżetu obywatelskiego
audit-action-budget_schedule_changed = Zmiana harmonogramu budżetu obywatelskiego
audit-action-budget_counted = Przeliczenie głosów budżetu obywatelskiego
audit-action-budget_published = Ogłoszenie wyników budżetu obywatelskiego
audit-action-budget_project_assigned = Przekazanie projektu BO do weryfikacji
audit-action-budget_project_assessed = Ocena projektu BO
audit-action-budget_project_decided = Decyzja o dopuszczeniu projektu BO
audit-action-budget_appeal_decided = Rozpatrzenie odwołania w BO
audit-action-budget_milestone_added = Etap realizacji projektu BO
audit-action-budget_share_collected = Odebranie udziału w kluczu komisji budżetu obywatelskiego
audit-action-budget_corrected = Korekta ogłoszonych wyników budżetu obywatelskiego
audit-action-budget_project_withdrawn = Wycofanie projektu budżetu obywatelskiego przez autora
audit-action-budget_counter_vote = Głos w budżecie obywatelskim zapisany w punkcie obsługi
audit-action-reporter_contact_viewed = Wyświetlono dane kontaktowe zgłaszającego
admin-api-title = Klucze API
admin-api-lead = Aplikacje, które wysyłają zgłoszenia przez Open311 i API, dostają własny klucz z limitem zapytań. Opis punktu dostępu:
admin-api-issued = Klucz dla { $name }
admin-api-issued-once = Skopiuj go teraz i przekaż bezpiecznie twórcom aplikacji – nie pokażemy go ponownie.
admin-api-empty = Nie ma jeszcze żadnych aplikacji.
admin-api-name = Nazwa aplikacji
admin-api-name-hint = Np. „mKraków” albo „System ZDMK”. Musi być niepowtarzalna.
admin-api-key = Klucz
admin-api-limit = Limit zapytań na godzinę
admin-api-limit-hint = Od 1 do 1 000 000.
admin-api-per-hour = { $count } / godz.
admin-api-usage = Użycie
admin-api-requests = { $count ->
    [one] { $count } zapytanie
    [few] { $count } zapytania
   *[many] { $count } zapytań
}
admin-api-reports = { $count ->
    [one] { $count } zgłoszenie
    [few] { $count } zgłoszenia
   *[many] { $count } zgłoszeń
}
admin-api-last-used = Ostatnio użyty
admin-api-state = Stan
admin-api-active = Aktywny
admin-api-revoked-at = Unieważniony { $date }
admin-api-revoke = Unieważnij klucz { $name }
admin-api-issue = Wydaj klucz
audit-action-budget_electorate_changed = Budżet obywatelski: zmieniono liczbę uprawnionych mieszkańców w pulach
audit-action-reply_template_saved = Zapisano szablon odpowiedzi
audit-action-reply_template_deleted = Usunięto szablon odpowiedzi

## Zapraszanie pracowników
admin-invite-title = Zaproś pracownika
admin-invite-lead = Osoba dostanie e-mail z linkiem do ustawienia hasła; link działa { $days } dni. Do tego czasu nikt nie może zalogować się na to konto.
admin-invite-lang = Język wiadomości i konta
admin-invite-submit = Wyślij zaproszenie
admin-invitation-heading = Zaproszenie
admin-invitation-text = To konto nie zostało jeszcze aktywowane: właściciel nie ustawił hasła. Możesz wysłać nowy link; poprzedni przestanie działać.
admin-invitation-resend = Wyślij zaproszenie ponownie
lang-name-pl = polski
lang-name-en = angielski
flash-invitation-sent = Zaproszenie zostało wysłane.
error-invite-email-taken = Konto z tym adresem już istnieje. Znajdź je na liście użytkowników i zmień tam jego rolę.
audit-action-invitation_sent = Ponownie wysłano zaproszenie
audit-action-consultation_created = Utworzono plan konsultacji
audit-action-consultation_changed = Zmieniono plan konsultacji
audit-action-consultation_published = Opublikowano konsultacje
audit-action-consultation_cancelled = Odwołano konsultacje
audit-action-consultation_comment_hidden = Moderator ukrył uwagę w konsultacjach
audit-action-consultation_document_added = Dodano dokument do konsultacji
audit-action-consultation_document_version = Nowa wersja dokumentu konsultacji
audit-action-consultation_answered = Odpowiedź na uwagi w konsultacjach
audit-action-consultation_report_published = Opublikowano raport z konsultacji
