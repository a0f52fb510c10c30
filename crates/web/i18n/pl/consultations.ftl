consult-title = Konsultacje
consult-nav = Konsultacje
consult-lead = Miasto pyta mieszkańców, zanim zdecyduje: plany, dokumenty do zaopiniowania, ankiety, spotkania. Tu są konsultacje otwarte, nadchodzące i raporty z zakończonych.
consult-filter-label = Filtruj konsultacje
consult-empty = Nie ma jeszcze opublikowanych konsultacji.
consult-empty-district = Żadne opublikowane konsultacje nie dotyczą tej dzielnicy.
consult-group-open = Trwają – weź udział
consult-group-coming = Nadchodzące
consult-group-analysis = Zakończone – trwa przygotowanie odpowiedzi
consult-group-reported = Zakończone – raporty opublikowane
consult-group-cancelled = Odwołane
consult-dates = { $opens } – { $closes }
consult-city-wide = Cały Kraków
consult-kind-standard = Konsultacje
consult-kind-small = Małe konsultacje
consult-phase-draft = Szkic (nieopublikowany)
consult-phase-announced = Zapowiedziane
consult-phase-information = Akcja informacyjna
consult-phase-open = Trwają
consult-phase-analysis = Przygotowanie odpowiedzi
consult-phase-reported = Raport opublikowany
consult-phase-cancelled = Odwołane
consult-method-survey = Ankieta internetowa
consult-method-comments = Uwagi do dokumentu
consult-method-meetings = Spotkania
consult-method-duty_hours = Dyżury eksperckie
consult-method-paper = Uwagi na papierze, e-mailem lub listownie
consult-field-phase = Etap
consult-field-kind = Rodzaj
consult-field-title = Przedmiot konsultacji
consult-field-title-hint = Czego dotyczą konsultacje – tak, jak zobaczą to mieszkańcy.
consult-field-goal = Cel
consult-field-legal-basis = Podstawa prawna
consult-field-target-groups = Kogo dotyczą
consult-field-area = Obszar
consult-field-methods = Formy udziału
consult-field-information = Akcja informacyjna od
consult-field-opens = Początek konsultacji
consult-field-closes = Koniec konsultacji (ostatni dzień)
consult-field-period = Termin konsultacji
consult-field-report-due = Raport do
consult-field-unit = Wydział odpowiedzialny
consult-field-contact = Kontakt
consult-field-contact-name = Osoba do kontaktu
consult-cancelled-notice = Te konsultacje zostały odwołane.
consult-public-page = Strona publiczna
consult-staff-title = Konsultacje
consult-staff-empty = Nie zaplanowano jeszcze żadnych konsultacji.
consult-new-title = Zaplanuj konsultacje
consult-edit-title = Plan konsultacji
consult-create = Zapisz szkic
consult-plan-legend = Plan
consult-districts-hint = Albo dzielnice, których dotyczą:
consult-schedule-legend = Harmonogram
consult-schedule-hint = Akcja informacyjna trwa co najmniej { $information } dni, a konsultacje co najmniej { $consultation } dni.
consult-responsible-legend = Odpowiedzialni
consult-publish-heading = Publikacja
consult-publish-text = Po publikacji plan jest jawny, a jego terminy wyznaczają przebieg konsultacji. Można go jeszcze poprawiać, ale terminy, które minęły, zostają bez zmian.
consult-publish = Opublikuj konsultacje
consult-cancel-heading = Odwołanie konsultacji
consult-cancel-reason = Powód (zobaczą go mieszkańcy)
consult-cancel = Odwołaj
consult-error-methods = Wybierz co najmniej jedną formę udziału.
consult-error-area = Zaznacz „Cały Kraków” albo wybierz co najmniej jedną dzielnicę.
consult-error-date = Wpisz datę, np. 2026-03-15.
flash-consult-created = Szkic został zapisany. Mieszkańcy nie zobaczą go przed publikacją.
flash-consult-published = Konsultacje zostały opublikowane.
flash-consult-cancelled = Konsultacje zostały odwołane.
error-consult_schedule_order = Daty są w złej kolejności: najpierw akcja informacyjna, potem początek, koniec i raport.
error-consult_information_short = Akcja informacyjna musi trwać co najmniej { $information } dni przed początkiem konsultacji.
error-consult_too_short = Konsultacje są za krótkie: co najmniej { $consultation } dni (małe konsultacje: od { $min } do { $max } dni).
error-consult_too_long = Małe konsultacje trwają najwyżej { $max } dni.
error-consult_report_late = Raport z małych konsultacji powstaje w ciągu { $report } dni od ich zakończenia.
error-consult_past_fixed = Daty, która minęła, nie można zmienić, a żadnej daty nie można przesunąć w przeszłość.
error-consult_sign_in = Zaloguj się, aby wziąć udział.
error-consult_forbidden = Twoja rola na to nie pozwala.
error-consult_phase = Na tym etapie konsultacji nie można tego zrobić.
error-consult_other_district = Te konsultacje są dla mieszkańców innych dzielnic.
error-consult_stale = Ktoś inny zmienił w międzyczasie te konsultacje. Strona pokazuje teraz aktualną wersję – wprowadź zmianę jeszcze raz.
error-consult_no_method = W tych konsultacjach nie można wziąć udziału w ten sposób: zobacz formy udziału w planie.
consult-comments-heading = Uwagi
consult-comments-empty = Nie ma jeszcze uwag.
consult-comment-label = Twoja uwaga
consult-comment-hint = Uwagi może przeczytać każdy, bez Twojego imienia i nazwiska. Każda dostanie opublikowaną odpowiedź w raporcie z konsultacji.
consult-comment-submit = Wyślij uwagę
consult-comment-login = Zaloguj się, aby napisać uwagę
consult-comment-number = Uwaga { $n }
consult-channel-web = na stronie
consult-channel-app = w aplikacji
consult-channel-paper = na papierze
consult-channel-email = e-mailem
consult-channel-letter = listownie
consult-channel-duty_hour = na dyżurze
consult-channel-meeting = na spotkaniu
consult-record-heading = Wpisz uwagę złożoną inną drogą
consult-record-channel = Jak wpłynęła
consult-record-author = Autor
consult-record-author-hint = Nieobowiązkowe; zostaje w urzędzie, nigdy nie jest publikowane.
consult-record-body = Treść uwagi – tak, jak ją zapisano lub zgłoszono
consult-record-submit = Zapisz uwagę
consult-record-closed = Na tym etapie nie można wpisywać uwag albo plan nie przewiduje żadnej z tych form.
consult-error-channel = Wybierz, jak wpłynęła uwaga.
flash-consult-commented = Dziękujemy: Twoja uwaga została przyjęta.
flash-consult-recorded = Uwaga została zapisana.
my-consultations-heading = Moje uwagi w konsultacjach
my-consultations-empty = Nie masz jeszcze uwag w konsultacjach.
my-consultations-link = Zobacz konsultacje
consult-hide-reason = Dlaczego ukryć uwagę { $n } (autor zobaczy powód)
consult-hide = Ukryj
flash-consult-hidden = Uwaga została ukryta; jej autor zobaczy powód.
my-consultations-hidden = Ukryta przez moderatora:
consult-hide-reason-required = Podaj powód ukrycia uwagi (do 200 znaków).
consult-about-document = { $title } (cały dokument)
consult-answer-count = { $n ->
    [one] { $n } uwaga
    [few] { $n } uwagi
   *[many] { $n } uwag
}
consult-answer-draft = Wersja robocza, jeszcze niepubliczna
consult-answer-heading = Odpowiedź miasta:
consult-answer-new = Nowa odpowiedź (poniżej)
consult-answer-none-ticked = Zaznacz co najmniej jedną uwagę, na którą odpowiadasz.
consult-answers-author-more = { $n ->
    [few] jej autor zgłosił { $n } uwagi
   *[many] jej autor zgłosił { $n } uwag
}
consult-answers-context = Komentowany akapit:
consult-answers-disposition = Rozstrzygnięcie
consult-answers-edit = Zmień tę odpowiedź
consult-answers-empty = Brak uwag w tym widoku.
consult-answers-filter = Które uwagi
consult-answers-give = Odpowiedz na zaznaczone uwagi
consult-answers-justification = Uzasadnienie (publikowane przy każdej uwadze, której dotyczy)
consult-answers-reuse = Odpowiedź
consult-answers-reuse-hint = Napisz nową odpowiedź albo przypisz zaznaczonym uwagom odpowiedź napisaną już na tę samą kwestię.
consult-answers-save = Zapisz odpowiedź
consult-answers-show-all = Wszystkie
consult-answers-show-answered = Z odpowiedzią
consult-answers-show-unanswered = Czekają na odpowiedź
consult-answers-submit = Odpowiedz na zaznaczone uwagi
consult-answers-tick = Uwagi (zaznacz te, które dostaną tę samą odpowiedź)
consult-answers-waiting = { $n ->
    [one] { $n } uwaga czeka na odpowiedź.
    [few] { $n } uwagi czekają na odpowiedź.
   *[many] { $n } uwag czeka na odpowiedź.
}
consult-answers-written = Napisane odpowiedzi
consult-change-edited = Zmieniono
consult-change-added = Dodano
consult-change-removed = Usunięto
consult-changes-hint = To, co usunięto, jest przekreślone, a to, co dodano – podkreślone. Uwagi pozostają przy swoich akapitach.
consult-changes-none = Tekst się nie zmienił.
consult-changes-title = Co zmieniono w wersji { $n }
consult-changes-unchanged = { $n ->
    [one] { $n } akapit bez zmian.
    [few] { $n } akapity bez zmian.
   *[many] { $n } akapitów bez zmian.
}
consult-col-about = Czego dotyczy
consult-col-channel = Forma zgłoszenia
consult-col-comment = Uwaga
consult-col-date = Data
consult-col-disposition = Rozstrzygnięcie
consult-col-justification = Uzasadnienie
consult-col-number = Lp.
consult-diff-inserted = dodano:
consult-diff-removed = usunięto:
consult-disposition-accepted = Uwzględniona
consult-disposition-partly_accepted = Częściowo uwzględniona
consult-disposition-not_accepted = Nieuwzględniona
consult-disposition-not_applicable = Nie dotyczy przedmiotu konsultacji
consult-disposition-choose = Wybierz…
consult-doc-changes-link = Co zmieniono w wersji { $n }
consult-doc-hint = Skomentuj akapit lub rozdział odnośnikiem pod nim albo cały dokument na końcu strony.
consult-doc-history = Wcześniejsze wersje tego tekstu
consult-doc-paragraph = Akapit { $n }
consult-doc-paragraph-comment = Skomentuj ten akapit
consult-doc-paragraph-comments = { $n ->
    [one] { $n } uwaga – przeczytaj lub dodaj swoją
    [few] { $n } uwagi – przeczytaj lub dodaj swoją
   *[many] { $n } uwag – przeczytaj lub dodaj swoją
}
consult-doc-paragraph-label = Twoja uwaga do tego akapitu
consult-doc-removed-notice = Ten akapit usunięto w wersji { $n }. Uwagi do niego pozostają z tekstem, którego dotyczyły.
consult-doc-removed-title = Usunięty akapit
consult-doc-section = Rozdział: { $title }
consult-doc-section-comment = Skomentuj ten rozdział
consult-doc-section-comments = { $n ->
    [one] { $n } uwaga do rozdziału – przeczytaj lub dodaj swoją
    [few] { $n } uwagi do rozdziału – przeczytaj lub dodaj swoją
   *[many] { $n } uwag do rozdziału – przeczytaj lub dodaj swoją
}
consult-doc-version = Wersja { $n }
consult-doc-versions = Wersje
consult-doc-what-changed = co zmieniono
consult-doc-whole-comments = Uwagi do całego dokumentu
consult-doc-whole-label = Twoja uwaga do całego dokumentu
consult-docs-add = Dodaj dokument
consult-docs-comment-hint = Aby skomentować konkretny akapit, otwórz dokument.
consult-docs-empty = Nie ma jeszcze dokumentów.
consult-docs-heading = Dokumenty
consult-docs-locked = Na tym etapie dokumentów nie można zmieniać albo Twoja rola na to nie pozwala.
consult-docs-new-version = Nowa wersja (wersja { $n })
consult-docs-note = Co zmieniono
consult-docs-note-hint = Nieobowiązkowe; pokazywane przy wersji.
consult-docs-save-version = Zapisz nową wersję
consult-docs-source = Treść
consult-docs-source-hint = Wklej projekt jako Markdown lub zwykły tekst: pusta linia między akapitami, linia zaczynająca się od # to tytuł rozdziału, punkty listy to osobne akapity. Znaczniki HTML są pomijane.
consult-docs-staff-title = Dokumenty do konsultacji
consult-docs-title-label = Tytuł
consult-error-target = Akapit lub odpowiedź, których dotyczy formularz, nie należą już do tych konsultacji: odśwież stronę.
consult-field-report-due-on = raport do { $day }
consult-record-target = Czego dotyczy
consult-report-answers = Uwagi i odpowiedzi
consult-report-bar = Wykres
consult-report-by-channel = Uwagi według formy zgłoszenia
consult-report-by-day = Uwagi według dnia
consult-report-by-disposition = Uwagi według rozstrzygnięcia
consult-report-comments = { $n ->
    [one] { $n } uwaga
    [few] { $n } uwagi
   *[many] { $n } uwag
}
consult-report-count = Uwagi
consult-report-csv = Pobierz jako CSV
consult-report-ods = Pobierz jako arkusz (ODS)
consult-report-figures = Udział
consult-report-link = Przeczytaj raport z odpowiedzią na każdą uwagę
consult-report-not-yet = Raportu nie można jeszcze opublikować:
consult-report-participants = { $n ->
    [one] { $n } uczestnik
    [few] { $n } uczestników
   *[many] { $n } uczestników
}
consult-report-publish = Opublikuj raport i wszystkie odpowiedzi
consult-report-publish-heading = Raport
consult-report-publish-text = Każda uwaga ma odpowiedź. Publikacja udostępni wszystkie odpowiedzi naraz i powiadomi uczestników e-mailem; nie można jej cofnąć.
consult-report-title = Raport: { $title }
consult-staff-tabs = Te konsultacje
consult-tab-answers = Odpowiedzi i raport
consult-tab-documents = Dokumenty
consult-tab-plan = Plan
consult-tab-record = Wpisz uwagi
consult-target-document = { $title } (cały dokument)
consult-target-whole = Konsultacje jako całość
error-consult_unanswered = Niektóre uwagi nie mają jeszcze odpowiedzi: raport można opublikować dopiero, gdy odpowiedź ma każda uwaga.
flash-consult-answered = Odpowiedź zapisano jako roboczą; stanie się publiczna razem z raportem.
flash-consult-document-added = Dokument został dodany.
flash-consult-document-version = Nowa wersja została zapisana; uwagi pozostają przy swoich akapitach.
flash-consult-reported = Raport został opublikowany, a uczestnicy powiadomieni.
consult-doc-removed-resend = Tego akapitu nie ma już w projekcie. Wyślij swój tekst jako uwagę do całego dokumentu:
consult-monitoring = Dotychczasowy udział
consult-report-overdue = Termin raportu minął: raport powinien być już opublikowany.
consult-report-due-soon = { $n ->
    [0] Raport trzeba opublikować dziś.
    [one] Raport trzeba opublikować w ciągu { $n } dnia.
   *[other] Raport trzeba opublikować w ciągu { $n } dni.
}
consult-map-heading = Mapa obszarów konsultacji
consult-map-hint = Dzielnice zaznaczone kolorem dotyczą trwające (czerwone) lub zapowiedziane (niebieskie) konsultacje; kliknij dzielnicę, aby zobaczyć ich listę. Te same konsultacje są wymienione poniżej.
consult-map-open = trwające
consult-map-coming = zapowiedziane
consult-map-none = Żadne trwające ani zapowiedziane konsultacje nie dotyczą tej dzielnicy.
consult-map-city-wide = całe miasto
consult-templates-title = Szablony odpowiedzi
consult-templates-lead = Stałe sformułowania odpowiedzi na uwagi, wspólne dla wszystkich konsultacji. Odpowiedź utworzona z szablonu należy do danych konsultacji i można ją tam zmienić; zmiana lub usunięcie szablonu nie zmienia udzielonych już odpowiedzi.
consult-templates-empty = Nie ma jeszcze szablonów.
consult-template-add = Dodaj szablon
consult-template-edit = Szablon odpowiedzi
consult-template-name = Nazwa szablonu
consult-template-save = Zapisz szablon
consult-template-delete = Usuń szablon
consult-template-delete-hint = Usunięcie szablonu nie zmienia odpowiedzi już z niego utworzonych.
consult-template-none = bez szablonu
consult-answers-template = Szablon odpowiedzi
consult-answers-template-hint = Nowa odpowiedź z szablonu: rozstrzygnięcie i uzasadnienie pozostawione puste zostaną wzięte z szablonu, a wpisane poniżej – mają pierwszeństwo.
flash-consult-template-deleted = Szablon usunięty.
consult-outline = Obszar zaznaczony na mapie (nieobowiązkowo)
consult-outline-hint = Narożniki obszaru, po jednym w wierszu: szerokość, długość geograficzna (np. 50.0617, 19.9373) – albo kliknij kolejne narożniki na mapie. Konsultacje dotyczą wtedy dzielnic, przez które obszar przebiega (chyba że zaznaczono „Cały Kraków”).
consult-outline-map = Mapa do zaznaczenia obszaru: kliknij, aby dodać narożnik; Enter dodaje środek mapy
consult-outline-undo = Usuń ostatni narożnik
consult-outline-clear = Wyczyść obszar
consult-outline-corners = Narożników: {"{"}count{"}"}
consult-outline-drawn = Obszar zaznaczony na mapie.
consult-outline-map-view = Mapa obszaru konsultacji

## Groups of comments (the consultation algorithm)
consult-tab-groups = Grupy uwag
groups-title = Grupy uwag
groups-lead = Algorytm łączy w grupy uwagi o tej samej treści (np. kopie jednego listu) i uwagi, które mówią to samo innymi słowami, aby na każdą grupę odpowiedzieć raz. Nic nie dostaje odpowiedzi samo: każdą grupę przegląda i zatwierdza człowiek.
groups-run-heading = Analiza uwag
groups-run-text = Uwag do przeanalizowania: { $n }. Ponowna analiza po napływie nowych uwag zachowuje grupy zatwierdzone.
groups-threshold = Próg podobieństwa kopii (0,3–1)
groups-threshold-hint = Im wyższy, tym bliższe sobie muszą być teksty, aby uznać je za kopie. Domyślnie 0,6.
groups-run = Przeprowadź analizę
groups-kinds = Rodzaje grup
groups-kind-topic = Tematy
groups-kind-duplicate = Kopie tego samego tekstu
groups-kind-topic-hint = Uwagi, które mówią to samo innymi słowami.
groups-kind-duplicate-hint = Ten sam tekst z drobnymi zmianami: listy zbiorowe, kopiowane apele, literówki, dopisane powitania i podpisy.
groups-ungrouped = Uwag poza grupami: { $n }.
groups-empty = Nie ma jeszcze grup. Przeprowadź analizę, aby je znaleźć.
groups-unnamed = Grupa bez nazwy
groups-size = { $n ->
    [one] { $n } uwaga
    [few] { $n } uwagi
   *[other] { $n } uwag
}
groups-answered = z odpowiedzią: { $n }
groups-similarity = podobieństwo { $n }%
groups-confirmed = Zatwierdzona
groups-key-phrases = Kluczowe wyrażenia
groups-representative = Najbardziej typowa uwaga
groups-name-heading = Nazwa i zatwierdzenie
groups-label = Nazwa grupy
groups-rename = Zapisz nazwę
groups-confirm-hint = Zatwierdzona grupa zostaje taka, jak jest, gdy analizę przeprowadza się ponownie.
groups-confirm = Zatwierdź grupę
groups-merge-heading = Połącz z inną grupą
groups-merge-with = Dołącz do tej grupy
groups-merge-hint = Uwagi wybranej grupy przejdą do tej; wybrana grupa zniknie.
groups-merge = Połącz grupy
groups-choose = — wybierz grupę —
groups-error-choose = Wybierz grupę.
groups-answer-heading = Odpowiedź dla całej grupy
groups-answer-text = Jedna odpowiedź (rozstrzygnięcie i uzasadnienie) dla każdej uwagi w grupie ({ $n }). Zastępuje wcześniejsze odpowiedzi tych uwag; do publikacji raportu jest szkicem.
groups-answer = Odpowiedz całej grupie
groups-members = Uwagi w grupie
groups-members-empty = W tej grupie nie ma już uwag.
groups-move-to = Przenieś do grupy
groups-move = Przenieś
flash-groups-analysed = Analiza gotowa: grupy uwag zostały odświeżone.
flash-groups-changed = Zapisano zmianę grupy.
flash-groups-answered = Odpowiedź zapisana dla każdej uwagi w grupie.

## Statement voting and opinion groups
consult-method-statements = Głosowanie nad stwierdzeniami (grupy opinii)
consult-tab-statements = Stwierdzenia
statements-title = Głosowanie nad stwierdzeniami
statements-teaser = Zgódź się lub nie zgódź z krótkimi stwierdzeniami innych uczestników i dodaj własne. Z głosów powstaje mapa opinii: jakie grupy myślą podobnie, co je łączy i dzieli.
statements-take = Głosuj nad stwierdzeniami
statements-lead = Przy każdym stwierdzeniu wybierz: zgadzam się, nie zgadzam się albo pomiń. Głos można zmienić do końca konsultacji.
statements-login-why = Aby głosować i dodawać stwierdzenia, zaloguj się: każdy głosuje raz nad każdym stwierdzeniem.
statements-login = Zaloguj się, aby głosować
statements-vote-heading = Twój głos
statements-empty = Nie ma jeszcze stwierdzeń do głosowania.
statements-progress = Oddane głosy: { $n } z { $of }.
statements-number = Nr { $n }.
statements-agree = Zgadzam się
statements-disagree = Nie zgadzam się
statements-pass = Pomiń
statements-all-voted = Zagłosowano nad wszystkimi stwierdzeniami ({ $n }). Zobacz mapę opinii albo dodaj własne stwierdzenie.
statements-add-heading = Dodaj stwierdzenie
statements-add-label = Stwierdzenie
statements-add-hint = Jedna myśl, od 5 do 280 znaków. Pojawi się u innych po sprawdzeniu przez moderatora.
statements-add = Dodaj stwierdzenie
statements-own = Twoje stwierdzenia
statements-status-pending = czeka na moderatora
statements-status-accepted = przyjęte
statements-status-rejected = odrzucone
statements-all-heading = Wszystkie stwierdzenia
statements-your-vote = Twój głos
statements-voted-agree = zgadzam się
statements-voted-disagree = nie zgadzam się
statements-voted-pass = pominięte
statements-error-choice = Wybierz: zgadzam się, nie zgadzam się albo pomiń.
statements-error-reason = Podaj powód odrzucenia stwierdzenia (widzi go autor).
statements-staff-add-heading = Dodaj stwierdzenie do głosowania
statements-staff-add-hint = Jedna myśl, od 5 do 280 znaków. Stwierdzenie urzędu jest widoczne od razu.
statements-pending-heading = Stwierdzenia mieszkańców do sprawdzenia
statements-pending-empty = Żadne stwierdzenie nie czeka na moderatora.
statements-accept = Przyjmij
statements-reject-reason = Powód odrzucenia
statements-reject = Odrzuć
flash-statements-voted = Głos zapisany.
flash-statements-proposed = Stwierdzenie czeka na sprawdzenie przez moderatora.
flash-statements-added = Stwierdzenie dodane.
flash-statements-moderated = Decyzja zapisana.
opinions-title = Grupy opinii
opinions-link = Zobacz grupy opinii
opinions-vote-link = Głosuj nad stwierdzeniami
opinions-lead = Uczestników, którzy głosowali podobnie, algorytm (ten sam co w Pol.is) łączy w grupy. Poniżej: co łączy każdą grupę, co je dzieli i z czym zgadza się prawie każdy.
opinions-participants = { $n ->
    [one] { $n } uczestnik
    [few] { $n } uczestników
   *[other] { $n } uczestników
}
opinions-statements = stwierdzeń: { $n }
opinions-votes = głosów: { $n }
opinions-not-yet = Jest jeszcze za mało głosów, aby wyłonić grupy opinii.
opinions-groups-found = Grup opinii: { $n }.
opinions-grouped = Uczestników w grupach: { $n }.
opinions-map-title = Mapa opinii
opinions-map-desc = Każdy znak to jeden uczestnik; im bliżej siebie, tym podobniej głosowali. Kształt znaku oznacza grupę; tabela pod mapą opisuje grupy słowami.
opinions-map-caption = Mapa opinii: uczestnicy ułożeni według podobieństwa głosów (kształt oznacza grupę).
opinions-table-caption = Grupy opinii
opinions-group = Grupa
opinions-marker = Znak na mapie
opinions-size = Uczestników
opinions-group-name = Grupa { $letter }
opinions-marker-0 = koło
opinions-marker-1 = kwadrat
opinions-marker-2 = trójkąt
opinions-marker-3 = romb
opinions-marker-4 = krzyżyk
opinions-people = { $n ->
    [one] { $n } osoba
    [few] { $n } osoby
   *[other] { $n } osób
}
opinions-group-unites = Co wyróżnia tę grupę:
opinions-share-agree = zgadza się
opinions-share-disagree = nie zgadza się
opinions-share-group = { $n }% grupy (pozostali: { $others }%)
opinions-divides = Co dzieli grupy
opinions-share-in = grupa { $letter }: { $n }%
opinions-consensus = Co łączy prawie wszystkich
opinions-most-agree = Większość się zgadza
opinions-most-disagree = Większość się nie zgadza
opinions-share-all-agree = zgadza się { $n }% głosujących
opinions-share-all-disagree = nie zgadza się { $n }% głosujących
