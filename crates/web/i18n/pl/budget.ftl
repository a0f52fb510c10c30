budget-nav = Budżet obywatelski
budget-title = Budżet obywatelski
budget-lead = Mieszkańcy zgłaszają projekty, miasto je weryfikuje, a o tym, które zostaną zrealizowane, decydują w głosowaniu wszyscy mieszkający w mieście.
budget-no-editions = Nie ogłoszono jeszcze żadnej edycji.
budget-no-editions-staff = Nie ma jeszcze żadnej edycji. Edycję tworzy się poleceniem „miasto budget edition create”.
budget-edition = Edycja
budget-phase = Etap
budget-phase-announced = Ogłoszona
budget-phase-submission = Zgłaszanie projektów
budget-phase-verification = Weryfikacja projektów
budget-phase-appeals = Odwołania
budget-phase-ballot-preparation = Przygotowanie listy do głosowania
budget-phase-voting = Głosowanie trwa
budget-phase-counting = Głosowanie zakończone, trwa liczenie głosów
budget-phase-results = Wyniki ogłoszone
budget-schedule = Harmonogram
budget-submission = Zgłaszanie projektów
budget-appeals = Odwołania
budget-voting = Głosowanie
budget-vote-now = Zagłosuj
budget-you-voted = Twój głos został zapisany. Widzisz, że zagłosowałeś, ale nikt – także Ty – nie zobaczy już, na co.
budget-ballots-so-far = { $count ->
    [one] Oddano { $count } głos.
    [few] Oddano { $count } głosy.
   *[other] Oddano { $count } głosów.
}
budget-pools = Pule środków
budget-pool = Pula
budget-pool-budget = Kwota puli
budget-ballot-rule = Zasady głosowania
budget-rule-ranked = Wybierz dokładnie { $count } projekty i uszereguj je: pierwszy dostaje { $count } pkt, każdy następny o 1 mniej.
budget-rule-approval = Wybierz od 1 do { $count } projektów.
budget-rule-cumulative = Rozdziel { $count } punktów między projekty.
budget-rule-knapsack = Wybierz projekty, których łączny koszt nie przekracza kwoty puli.
budget-projects-title = Projekty
budget-filter-label = Filtry projektów
budget-all-pools = Wszystkie pule
budget-all-statuses = Każdy status
budget-project-status = Status
budget-search = Szukaj w tytułach
budget-no-projects = Nie ma projektów spełniających te warunki.
budget-projects-found = { $count ->
    [one] Znaleziono { $count } projekt.
    [few] Znaleziono { $count } projekty.
   *[other] Znaleziono { $count } projektów.
}
budget-status-submitted = W weryfikacji
budget-status-withdrawn = Wycofany przez autora
budget-status-accepted = Dopuszczony do głosowania
budget-status-rejected = Niedopuszczony do głosowania
budget-project = Projekt
budget-project-number = Numer
budget-project-cost = Koszt
budget-project-location = Miejsce
budget-cost-items = Kosztorys
budget-cost-item = Pozycja
budget-amount = Kwota
budget-estimate = Razem (szacunek autora)
budget-corrected-cost = Koszt po weryfikacji
budget-no-cost-items = Autor nie rozpisał kosztów na pozycje.
budget-verification = Weryfikacja
budget-stage-formal = Ocena formalna
budget-stage-merit = Ocena merytoryczna
budget-positive = pozytywna
budget-negative = negatywna
budget-appeal = Odwołanie
budget-appeal-upheld = Odwołanie uwzględnione.
budget-appeal-dismissed = Odwołanie nieuwzględnione.
budget-appeal-pending = Odwołanie czeka na rozpatrzenie.
budget-realisation = Realizacja
budget-realisation-planned = Zaplanowano
budget-realisation-in_progress = W realizacji
budget-realisation-done = Zrealizowano
budget-realisation-cancelled = Odstąpiono od realizacji
budget-vote-title = Głosowanie
budget-vote-lead = Zaznacz projekty w każdej części karty, podaj PESEL i złóż oświadczenie. Głos można oddać tylko raz.
budget-vote-not-open = Głosowanie w tej edycji nie trwa.
budget-vote-done = Twój głos w tej edycji został już zapisany. Dziękujemy!
budget-back-to-edition = Wróć do strony edycji
budget-district = Dzielnica
budget-district-hint = Głosujesz na projekty ogólnomiejskie i projekty jednej dzielnicy – zwykle tej, w której mieszkasz.
budget-choose-district = Wybierz dzielnicę
budget-district-chosen = Projekty dzielnicowe: { $district }.
budget-change-district = Zmień dzielnicę
budget-next = Dalej
budget-choose-project = – wybierz projekt –
budget-rank-label = Miejsce { $rank } ({ $points } pkt)
budget-pool-has = do podziału { $budget }
budget-voter = Głosujący
budget-pesel = PESEL
budget-pesel-hint = 11 cyfr. Numer nie jest zapisywany – zapisujemy tylko jego skrót, który pozwala sprawdzić, czy ta osoba już głosowała.
budget-without-pesel = Nie mam numeru PESEL
budget-born = Data urodzenia
budget-born-hint = Tylko dla osób bez numeru PESEL.
budget-full-name = Imię i nazwisko
budget-no-pesel-declaration = Oświadczam, że nie mam numeru PESEL, a podane dane są prawdziwe.
budget-resident-declaration = Oświadczam, że mieszkam w Krakowie.
budget-secret-ballot = Głosowanie jest tajne: karta jest zapisywana bez danych głosującego i bez godziny oddania głosu.
budget-cast = Oddaj głos
budget-error-wrong-count = { $count ->
    [one] Wybierz dokładnie { $count } projekt.
    [few] Wybierz dokładnie { $count } projekty – na każde miejsce inny.
   *[other] Wybierz dokładnie { $count } projektów – na każde miejsce inny.
}
budget-error-too-many = { $count ->
    [one] Można wybrać najwyżej { $count } projekt.
    [few] Można wybrać najwyżej { $count } projekty.
   *[other] Można wybrać najwyżej { $count } projektów.
}
budget-error-empty = Wybierz przynajmniej jeden projekt.
budget-error-repeated = Każdy projekt można wybrać tylko raz.
budget-error-too-many-points = Można rozdzielić najwyżej { $points } pkt, najwyżej { $per_project } na jeden projekt.
budget-error-over-budget = Wybrane projekty kosztują więcej, niż wynosi pula.
budget-error-unknown-project = Wybrano projekt, którego nie ma na tej karcie.
budget-error-district = Wybierz dzielnicę.
budget-error-born = Podaj prawdziwą datę urodzenia (rrrr-mm-dd).
budget-error-full-name = Podaj imię i nazwisko.
budget-error-no-pesel-declaration = Złóż oświadczenie o braku numeru PESEL.
budget-error-resident = Głosować mogą osoby mieszkające w Krakowie – złóż oświadczenie.
budget-error-too-young = W tej edycji głosują osoby, które mają co najmniej { $age } lat.
budget-error-already-voted = Ta osoba już głosowała w tej edycji. Każdy może oddać jeden głos.
budget-error-date = Podaj datę (rrrr-mm-dd).
budget-error-schedule-inverted = Każdy etap musi kończyć się nie wcześniej, niż się zaczyna.
budget-error-schedule-order = Etapy muszą następować po sobie: zgłaszanie, odwołania, głosowanie.
budget-error-sheet = Podaj numer karty (do 40 znaków).
budget-error-point = Podaj punkt do głosowania.
budget-results-title = Wyniki
budget-results-not-published = Wyniki nie zostały jeszcze ogłoszone: tę stronę widzą tylko urzędnicy.
budget-not-counted = Głosy nie zostały jeszcze policzone.
budget-ballots-total = { $count ->
    [one] Oddano { $count } ważny głos:
    [few] Oddano { $count } ważne głosy:
   *[other] Oddano { $count } ważnych głosów:
}
budget-ballots-online = { $count } przez internet
budget-ballots-paper = { $count } na papierze
budget-turnout = Frekwencja w pulach
budget-online = Przez internet
budget-paper = Na papierze
budget-ballots = Razem
budget-spent = Przyznano
budget-leftover = Pozostało
budget-download-pb = Pobierz zanonimizowane głosy: { $pool } (format Pabulib)
budget-results-of = Wyniki: { $pool }
budget-score = Punkty
budget-voters = Głosujący
budget-funded = Do realizacji
budget-funded-yes = Tak
budget-funded-no = Nie
budget-staff-title = Budżet obywatelski
budget-public-page = Strona publiczna edycji
budget-count-title = Liczenie głosów
budget-count = Policz głosy
budget-recount = Policz głosy ponownie
budget-count-when = Głosy można policzyć po zakończeniu głosowania, a przed ogłoszeniem wyników.
budget-see-results = Zobacz policzone wyniki
budget-publish = Ogłoś wyniki
budget-submission-from = Zgłaszanie projektów od
budget-submission-to = Zgłaszanie projektów do (włącznie)
budget-appeals-from = Odwołania od
budget-appeals-to = Odwołania do (włącznie)
budget-voting-from = Głosowanie od
budget-voting-to = Głosowanie do (włącznie)
budget-save-schedule = Zapisz harmonogram
budget-paper-title = Karty papierowe
budget-paper-lead = Każdą kartę wpisują dwie różne osoby. Karta liczy się, gdy oba wpisy są zgodne; niezgodne trafiają na listę do ponownego wpisania.
budget-paper-closed = Karty papierowe można wpisywać w czasie głosowania i po nim, do ogłoszenia wyników.
budget-sheet = Numer karty
budget-sheet-hint = Numer wydrukowany na karcie.
budget-point = Punkt do głosowania
budget-save-keying = Zapisz wpis karty
budget-open-sheets = Karty do wpisania
budget-no-open-sheets = Wszystkie wpisane karty są rozliczone.
budget-keyings = Wpisy
budget-sheet-state = Stan
budget-sheet-mismatch = Wpisy niezgodne – wpisz kartę jeszcze raz
budget-sheet-waiting = Czeka na drugi wpis
budget-first-keyed = Pierwszy wpis
budget-sheets-counted = Policzone karty: { $count }
budget-sheets-refused = Odrzucone (ta osoba już głosowała): { $count }
budget-keying-waiting = Karta { $sheet } zapisana. Teraz musi ją wpisać druga osoba.
budget-keying-counted = Karta { $sheet } jest zgodna z wcześniejszym wpisem: głos został policzony.
budget-keying-mismatch = Karta { $sheet } różni się od wcześniejszego wpisu: trafia na listę kart do ponownego wpisania.
budget-keying-refused = Karta { $sheet } jest zgodna z wcześniejszym wpisem, ale ta osoba już głosowała: karta została odrzucona.
budget-keying-same-keyer = Kartę { $sheet } wpisałeś już wcześniej. Drugi wpis musi zrobić inna osoba.
budget-keying-settled = Karta { $sheet } została już rozliczona.
flash-budget-voted = Dziękujemy! Twój głos został zapisany.
flash-budget-schedule-saved = Harmonogram zapisany.
flash-budget-counted = Głosy zostały policzone. Wyniki widzą urzędnicy, dopóki ich nie ogłosisz.
flash-budget-published = Wyniki zostały ogłoszone.
flash-budget-not-counting = Głosy można policzyć dopiero po zakończeniu głosowania.
flash-budget-not-counted = Najpierw policz głosy (po zakończeniu głosowania).
