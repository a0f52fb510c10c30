## Contact centre: reporting, public pages, questionnaire

nav-reports = Zgłoszenia
choose = Wybierz…
home-report-heading = Zgłoś problem lub pomysł
home-report-text = Dziura w chodniku, zepsuta latarnia, pomysł na nowe przejście dla pieszych? Zgłoś to – sprawa trafi do właściwej jednostki miasta, a Ty zobaczysz, co się z nią dzieje.
home-report-browse = Zobacz zgłoszenia mieszkańców

reports-title = Zgłoszenia
reports-filter-label = Filtruj zgłoszenia
reports-empty = Brak zgłoszeń spełniających kryteria.
reports-back = Wróć do listy zgłoszeń
filter-from = Od dnia
filter-to = Do dnia

report-new-problem-title = Zgłoś problem
report-questions-legend = Kilka pytań o tę sprawę
report-answer-answer_missing = Odpowiedz na pytanie: { $question }
report-answer-answer_not_a_choice = Wybierz odpowiedź z listy: { $question }
report-answer-answer_one_only = Wybierz jedną odpowiedź: { $question }
report-answer-answer_not_a_number = Podaj liczbę: { $question }
report-answer-answer_not_a_datetime = Podaj datę i godzinę: { $question }
report-answer-answer_too_long = Odpowiedź jest za długa: { $question }
report-new-idea-title = Zgłoś pomysł
report-new-problem-lead = Opisz, co trzeba naprawić lub posprzątać. Zgłoszenie trafi do jednostki miasta, która się tym zajmuje.
report-new-idea-lead = Podziel się pomysłem, jak ulepszyć okolicę. Pomysł trafi do jednostki miasta, która może go zrealizować.
report-switch-to-problem = Chcesz zgłosić problem, a nie pomysł?
report-switch-to-idea = Masz pomysł, a nie problem?
report-step = Krok { $step } z 2
report-details-problem-title = Opisz problem
report-details-idea-title = Opisz pomysł
field-category = Kategoria
report-where-legend = Gdzie?
report-where-hint = Wskaż miejsce na mapie, użyj swojej lokalizacji albo wpisz adres i wybierz dzielnicę.
report-map-hint = Kliknij mapę albo przeciągnij znacznik. Mapę przesuniesz klawiszami strzałek, a przybliżysz klawiszami plus i minus.
report-map-label = Mapa do wskazania miejsca
report-use-position = Użyj mojej lokalizacji
field-address = Adres lub opis miejsca
field-address-hint = Na przykład: ul. Długa 12 albo przystanek Teatr Bagatela.
field-district = Dzielnica
field-district-hint = Potrzebna, jeśli nie wskażesz miejsca na mapie.
field-district-unknown = Nie wiem (wskazuję miejsce na mapie)
report-next = Dalej
report-summary-heading = Twoje zgłoszenie
report-point = Współrzędne
report-change-where = Zmień kategorię lub miejsce
report-nearby-heading = Podobne zgłoszenia w pobliżu
report-nearby-lead = Ktoś mógł już zgłosić tę sprawę. Jeśli to ta sama, poprzyj istniejące zgłoszenie – dostaniesz powiadomienia o jego postępach.
report-nearby-go-on = Jeśli to inna sprawa, wypełnij formularz poniżej.
report-metres-away = około { $metres } m stąd
report-support = Popieram to zgłoszenie
report-support-email = Twój adres e-mail (do powiadomień)
report-support-email-hint = Wyślemy na niego link do potwierdzenia, a potem informacje o zmianach statusu.
field-description-problem = Na czym polega problem?
field-description-idea = Na czym polega pomysł?
field-description-hint = Od 10 do 5000 znaków. Nie wpisuj tu danych osobowych – opis będzie publiczny.
field-photos = Zdjęcia
field-photos-hint = Do 5 zdjęć JPEG, PNG lub WebP, każde do 7 MB. Usuwamy z nich dane o położeniu i aparacie.
report-photos-kept = { $count ->
    [one] Twoje zdjęcie jest zachowane – nie trzeba go dołączać ponownie.
    [few] Twoje { $count } zdjęcia są zachowane – nie trzeba ich dołączać ponownie.
   *[other] Twoich { $count } zdjęć jest zachowanych – nie trzeba ich dołączać ponownie.
}
report-photo-kept-alt = Zdjęcie { $number }, już przesłane
report-photo-remove = Usuń zdjęcie { $number }
report-contact-hint = Podaj adres e-mail, jeśli chcesz dostawać powiadomienia. Dane kontaktowe widzą tylko pracownicy miasta.
report-contact-logged-in = Zalogowano jako { $email } – powiadomienia wyślemy na ten adres. Możesz też podać inne dane kontaktowe.
field-contact-name = Imię i nazwisko
field-phone = Telefon
report-send = Wyślij zgłoszenie

report-title = Zgłoszenie { $number }
report-private-notice = To Twój prywatny link do zgłoszenia. Zachowaj go: tylko na tej stronie widać dane, które podano w zgłoszeniu.
report-merged-notice = To zgłoszenie połączono z innym, dotyczącym tej samej sprawy:
report-status = Status
report-kind = Rodzaj
report-number = Numer
report-channel = Kanał
report-approximate-place = Przybliżone miejsce
report-on-map = pokaż na mapie
report-received = Przyjęto
report-handled-by = Zajmuje się
report-support-count = Poparcia
report-supports = { $count ->
    [one] { $count } poparcie
    [few] { $count } poparcia
   *[many] { $count } poparć
}
report-own-heading = Twoje zgłoszenie
report-description-heading = Opis
report-photos-heading = Zdjęcia
report-photos-pending = Zdjęcia pojawią się na publicznej stronie zgłoszenia, gdy urząd sprawdzi, że nie widać na nich twarzy, tablic rejestracyjnych ani innych danych osobowych.
report-photo-pending = czeka na sprawdzenie
report-photo-alt = Zdjęcie { $n } dołączone do zgłoszenia
report-timeline-heading = Historia
report-event-created = Zgłoszenie przyjęte
report-event-merged = Połączone ze zgłoszeniem { $number }
report-support-heading = Poprzyj zgłoszenie
report-support-lead = Dotyczy Cię ta sama sprawa? Poprzyj zgłoszenie zamiast wysyłać nowe.
report-supported-already = Popierasz to zgłoszenie. Powiadomimy Cię o zmianach.
report-staff-view = Widok dla pracowników

channel-web = Strona internetowa
channel-api = Aplikacja
channel-phone = Telefon
channel-email = E-mail
channel-counter = Punkt obsługi

status-problem-new = Nowe
status-problem-under_analysis = Problem w analizie
status-problem-being_solved = W trakcie rozwiązywania
status-problem-solved = Problem rozwiązany
status-problem-not_found = Nie wykryto problemu
status-problem-outside_competence = Poza kompetencjami miasta
status-problem-unfounded = Bezzasadne
status-problem-awaiting_funding = Oczekiwanie na środki finansowe
status-idea-new = Nowy
status-idea-under_analysis = W analizie
status-idea-being_implemented = W trakcie realizacji
status-idea-implemented = Zrealizowany
status-idea-temporary_solution = Tymczasowe rozwiązanie
status-idea-unfounded = Pomysł bezzasadny
status-idea-awaiting_funding = Oczekiwanie na środki finansowe
status-idea-outside_competence = Poza kompetencjami miasta
status-any-new = Nowe
status-any-under_analysis = W analizie
status-any-being_solved = W trakcie rozwiązywania
status-any-solved = Rozwiązane
status-any-not_found = Nie wykryto problemu
status-any-outside_competence = Poza kompetencjami miasta
status-any-unfounded = Bezzasadne
status-any-awaiting_funding = Oczekiwanie na środki
status-any-being_implemented = W trakcie realizacji
status-any-implemented = Zrealizowane
status-any-temporary_solution = Tymczasowe rozwiązanie

feedback-title = Czy sprawa została załatwiona?
feedback-lead = Zgłoszenie { $number } zostało zamknięte. Powiedz nam, jak je oceniasz.
feedback-solved = Czy problem został rozwiązany?
feedback-score = Jak oceniasz załatwienie sprawy? (1 – bardzo źle, 5 – bardzo dobrze)
feedback-score-value = { $score }
feedback-submit = Wyślij odpowiedź
feedback-thanks = Dziękujemy za odpowiedź.

flash-report-sent = Dziękujemy! Zgłoszenie zostało przyjęte.
flash-report-already-sent = To zgłoszenie zostało już wysłane.
flash-supported = Dziękujemy za poparcie. Powiadomimy Cię o zmianach.
flash-already-supported = Już popierasz to zgłoszenie.
flash-support-closed = Tego zgłoszenia nie można już poprzeć.

map-attribution = © autorzy OpenStreetMap
map-marker-label = Wskazane miejsce
map-picked = Wybrane miejsce:
map-locating = Ustalamy Twoją lokalizację…
map-locate-failed = Nie udało się ustalić lokalizacji. Wskaż miejsce na mapie albo wpisz adres.
reports-map-heading = Mapa zgłoszeń
flash-support-check-email = Wysłaliśmy link na podany adres e-mail. Poparcie zostanie policzone, gdy go otworzysz.
flash-support-confirmed-again = Ten adres już popierał to zgłoszenie – nic się nie zmieniło.
support-confirm-title = Potwierdź poparcie
support-confirm-lead = Potwierdź, że popierasz zgłoszenie { $number } i chcesz otrzymywać informacje o jego zmianach.
support-confirm-see = Zobacz zgłoszenie
support-confirm-submit = Popieram to zgłoszenie
support-confirm-list = Przejdź do listy zgłoszeń
error-support-token_invalid = Ten link jest nieprawidłowy. Sprawdź, czy został skopiowany w całości.
error-support-token_expired = Ten link wygasł. Możesz poprzeć zgłoszenie ponownie na jego stronie.
error-support-token_used = Ten link został już użyty – poparcie zostało policzone.

## Miejsca: wyszukiwanie adresu i pinezka
places-pinned = Pinezkę postawiliśmy pod wpisanym adresem: { $address }. Jeśli to nie to miejsce, zmień je.
places-named = Najbliższy adres od pinezki: { $address }.
places-far-heading = Adres i pinezka się nie zgadzają
places-far = Wpisany adres ({ $address }) jest około { $metres } m od pinezki na mapie. Sprawdź, które jest właściwe, i popraw drugie; pracownicy miasta pojadą do pinezki.
places-search-label = Znajdź adres
places-search-hint = Na przykład „ul. Karmelicka 20” albo „al. Mickiewicza”.
places-search-button = Szukaj
places-search-none = Nie znaleźliśmy adresu. Sprawdź pisownię albo postaw pinezkę na mapie.
places-search-results = Znalezione adresy – wybierz jeden:
places-search-failed = Wyszukiwanie adresów jest teraz niedostępne. Postaw pinezkę na mapie albo wpisz adres.
places-far-check = Adres i pinezka są daleko od siebie. Popraw jedno z nich albo wyślij ponownie, żeby zostawić oba.
map-view-label = Mapa miejsca
map-near-street = W pobliżu: { $street }
map-approximate = (w przybliżeniu, z dokładnością do ok. 100 m)
report-place = Miejsce
reports-search = Szukaj
reports-search-hint = Słowa z opisu albo numer zgłoszenia (np. 2026/123).
reports-sort = Kolejność
reports-sort-newest = Najnowsze
reports-sort-oldest = Najstarsze
reports-sort-changed = Ostatnio zmienione
report-contact-question = Czy miasto może się z Tobą kontaktować w sprawie tego zgłoszenia?
report-contact-no = Nie – zgłaszam bez danych kontaktowych
report-contact-yes = Tak – zgadzam się, aby miasto kontaktowało się ze mną w sprawie tego zgłoszenia, przez dane poniżej
reports-map-cluster = Zgłoszeń tutaj: {"{"}count{"}"} – przybliż
reports-map-open = otwarte
reports-map-closed = zamknięte
reports-map-near-me = W pobliżu mnie
reports-sort-near = Najbliższe
reports-near-me-sort = Najbliżej mnie
reports-near = W pobliżu
reports-near-hint = Adres, np. „Karmelicka 20”: przy sortowaniu „Najbliższe” najpierw pokażą się zgłoszenia najbliżej niego.
reports-near-missing = Aby posortować według odległości, wpisz adres w Krakowie (albo użyj „Najbliżej mnie”).
reports-near-failed = Twoja lokalizacja jest niedostępna: wpisz adres.
reports-near-you = Twojej lokalizacji
reports-sorted-near = Posortowano według odległości od: { $place }.
reports-distance = { $distance } stąd
reports-more-filters = Kolejność i filtry: najbliższe, rodzaj, kategoria, dzielnica, status, daty
