//! `miasto demo dialogue`: the mayor's "Ławka dialogu" as the city lists it — the 26 meetings
//! with published questions and answers (`domain.md` §1.11: dates, places and audiences as
//! listed; districts as inferred there) — and one coming meeting open for questions.
//!
//! The questions and answers are invented but plausible: the topics residents raise at such
//! meetings (roads, trams, greenery, waste, parking, safety), each answered by the unit the
//! city's routing gives for it, some days after the meeting. Venues other than the two the
//! sources name (KS Opatkowianka, Klub Płaszów) are invented. The same run gives the same data.

use anyhow::Context;
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Europe::Warsaw;
use miasto_domain::dialogue::{Audience, Channel, MeetingPlan};
use miasto_store::DatabaseConnection;
use miasto_store::clock::Clock;
use miasto_store::dialogue::{self as store, NewQuestion};

/// (date, title as listed, audience, district number, venue).
const MEETINGS: [(&str, &str, Audience, Option<u16>, &str); 26] = [
    (
        "2024-06-24",
        "Bronowice Wielkie",
        Audience::District,
        Some(4),
        "Szkoła Podstawowa nr 93, ul. Jana Christiana Andersena 15",
    ),
    (
        "2024-06-27",
        "Opatkowice",
        Audience::District,
        Some(10),
        "KS „Opatkowianka”, ul. Inicjatywy Lokalnej 5",
    ),
    (
        "2024-07-10",
        "Sidzina",
        Audience::District,
        Some(8),
        "Dom Kultury Sidzina, ul. Sidzińska 60",
    ),
    (
        "2024-09-10",
        "Grzegórzki",
        Audience::District,
        Some(2),
        "Centrum Kultury Dworek Białoprądnicki – filia Grzegórzki",
    ),
    (
        "2024-10-15",
        "Krowodrza Górka",
        Audience::District,
        Some(4),
        "Klub Kultury „Krowodrza Górka”",
    ),
    (
        "2024-10-29",
        "Wzgórza Krzesławickie",
        Audience::District,
        Some(17),
        "Szkoła Podstawowa nr 98, os. na Stoku",
    ),
    (
        "2024-11-26",
        "Bieżanów",
        Audience::District,
        Some(12),
        "Dom Kultury „Podgórze” – Bieżanów",
    ),
    (
        "2024-12-12",
        "Podgórze",
        Audience::District,
        Some(13),
        "Klub Płaszów, ul. Gumniska 32",
    ),
    (
        "2025-02-04",
        "Czyżyny",
        Audience::District,
        Some(14),
        "Szkoła Podstawowa nr 82, ul. Łowińskiego",
    ),
    (
        "2025-02-18",
        "Podgórze Duchackie",
        Audience::District,
        Some(11),
        "Centrum Kultury „Wola Duchacka”",
    ),
    (
        "2025-03-18",
        "Zwierzyniec",
        Audience::District,
        Some(7),
        "Dom Kultury „Przegorzały”",
    ),
    (
        "2025-04-03",
        "Bieńczyce",
        Audience::District,
        Some(16),
        "Klub „Kuźnia”, os. Złotego Wieku",
    ),
    (
        "2025-04-10",
        "Kliny",
        Audience::District,
        Some(10),
        "Szkoła Podstawowa nr 158, ul. Sawiczewskich",
    ),
    (
        "2025-05-07",
        "online",
        Audience::Online,
        None,
        "online (transmisja na Facebooku)",
    ),
    (
        "2025-05-22",
        "ze studentami",
        Audience::Students,
        None,
        "Akademia Górniczo-Hutnicza, al. Mickiewicza 30",
    ),
    (
        "2025-06-25",
        "Łagiewniki i Borek Fałęcki",
        Audience::District,
        Some(9),
        "Szkoła Podstawowa nr 114, ul. Żywiecka",
    ),
    (
        "2025-07-18",
        "na festiwalu Bulwar Sztuki",
        Audience::Festival,
        Some(1),
        "Bulwar Czerwieński",
    ),
    (
        "2025-09-04",
        "Mistrzejowice",
        Audience::District,
        Some(15),
        "Klub „Mistrzejowice”, os. Tysiąclecia",
    ),
    (
        "2025-10-21",
        "Prądnik Czerwony",
        Audience::District,
        Some(3),
        "Szkoła Podstawowa nr 48, ul. Dobrego Pasterza",
    ),
    (
        "2025-10-30",
        "Nowa Huta",
        Audience::District,
        Some(18),
        "Nowohuckie Centrum Kultury, al. Jana Pawła II 232",
    ),
    (
        "2025-11-25",
        "Bronowice",
        Audience::District,
        Some(6),
        "Szkoła Podstawowa nr 56, ul. Mydlnicka",
    ),
    (
        "2026-02-18",
        "z uczniami XIII Liceum Ogólnokształcącego",
        Audience::School,
        None,
        "XIII LO, ul. Józefitów 2",
    ),
    (
        "2026-03-03",
        "z uczniami III Liceum Ogólnokształcącego",
        Audience::School,
        None,
        "III LO, al. Jana Pawła II 37",
    ),
    (
        "2026-03-04",
        "z seniorami",
        Audience::Seniors,
        None,
        "Centrum Aktywności Seniorów, ul. Praska 64",
    ),
    (
        "2026-03-10",
        "Krowodrza",
        Audience::District,
        Some(5),
        "Szkoła Podstawowa nr 2, ul. Sienkiewicza",
    ),
    (
        "2026-03-11",
        "z uczniami Zespołu Szkół Gastronomicznych nr 1",
        Audience::School,
        None,
        "ZSG nr 1, ul. Sienkiewicza 8",
    ),
];

/// (unit code, question, answer) — invented, plausible.
const BANK: [(&str, &str, &str); 12] = [
    (
        "ZDMK",
        "Kiedy zostanie wyremontowany chodnik przy naszej szkole? Jest dziurawy od lat.",
        "Remont chodnika ujęliśmy w planie na przyszły rok; projekt jest gotowy, przetarg ogłosimy w pierwszym kwartale.",
    ),
    (
        "ZTP",
        "Czy autobusy mogłyby jeździć częściej wieczorem? Po 21 czekamy pół godziny.",
        "Od nowego rozkładu linia będzie kursować co 20 minut do 23:00; zwiększenie częstotliwości sprawdzimy po pół roku.",
    ),
    (
        "ZZM",
        "Czy w parku zostaną posadzone nowe drzewa w miejsce wyciętych?",
        "Jesienią posadzimy 40 drzew (lipy i klony) oraz krzewy; nasadzenia uzgodnimy z radą dzielnicy.",
    ),
    (
        "MPO",
        "Kontenery na szkło są przepełnione w weekendy. Czy można je częściej opróżniać?",
        "Od przyszłego miesiąca pojemniki przy tej lokalizacji będą opróżniane także w soboty.",
    ),
    (
        "ZDMK",
        "Na skrzyżowaniu przy pętli brakuje przejścia dla pieszych. Dzieci przebiegają przez jezdnię.",
        "Przejście z azylem zaprojektujemy w tym roku; do czasu budowy zarządca drogi ustawi znaki ograniczenia prędkości do 30 km/h.",
    ),
    (
        "SM",
        "Samochody parkują na trawnikach przy blokach. Kto powinien to sprawdzać?",
        "Straż Miejska zwiększy liczbę kontroli w tym rejonie; zgłoszenia można przekazywać pod numerem 986.",
    ),
    (
        "ZIM",
        "Na jakim etapie jest budowa basenu w naszej dzielnicy?",
        "Trwa wybór wykonawcy; rozpoczęcie robót planujemy w przyszłym roku, a zakończenie po 18 miesiącach.",
    ),
    (
        "ZTP",
        "Czy tramwaj zostanie przedłużony do nowych osiedli?",
        "Przedłużenie linii jest w studium; decyzja o realizacji zapadnie po analizie kosztów i środków zewnętrznych.",
    ),
    (
        "ZZM",
        "Plac zabaw jest zniszczony. Czy zostanie odnowiony?",
        "Wymienimy nawierzchnię i dwa urządzenia jeszcze w tym sezonie; pełną przebudowę zgłosimy do budżetu na przyszły rok.",
    ),
    (
        "WS",
        "Czy miasto nadal dopłaca do wymiany starych pieców na ogrzewanie ekologiczne?",
        "Tak: program dopłat trwa; wnioski przyjmujemy przez cały rok, a doradcy energetyczni pomagają je wypełnić.",
    ),
    (
        "MPO",
        "W lesie przy osiedlu ktoś wyrzuca gruz. Co miasto może zrobić?",
        "Usuniemy odpady w ciągu dwóch tygodni i ustawimy fotopułapkę we współpracy ze Strażą Miejską.",
    ),
    (
        "ZDMK",
        "Czy na ulicy osiedlowej może powstać strefa Tempo 30?",
        "Projekt organizacji ruchu ze strefą Tempo 30 przygotujemy w tym półroczu i przedstawimy radzie dzielnicy.",
    ),
];

/// Kraków's 17:00 on `day`.
fn at_five(day: &str) -> anyhow::Result<DateTime<Utc>> {
    let date = NaiveDate::parse_from_str(day, "%Y-%m-%d").context("demo date")?;
    let local = date.and_hms_opt(17, 0, 0).context("demo time")?;
    Warsaw
        .from_local_datetime(&local)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .context("demo time in Kraków")
}

/// Adds the meetings, their questions and answers; prints what it made.
pub async fn create(db: &DatabaseConnection) -> anyhow::Result<()> {
    let districts = miasto_store::reference::list_districts(db).await?;
    let units = miasto_store::reference::list_units(db).await?;
    let unit = |code: &str| units.iter().find(|u| u.code.as_str() == code).map(|u| u.id);
    let official = None;
    let first = at_five(MEETINGS[0].0)?;
    let clock = Clock::at(first - Duration::days(14));
    let mut questions = 0;
    clock
        .clone()
        .run(async {
            for (i, (day, title, audience, district, venue)) in MEETINGS.iter().enumerate() {
                let starts = at_five(day)?;
                let plan = MeetingPlan {
                    title: format!("Ławka dialogu: {title}"),
                    audience: *audience,
                    starts,
                    ends: starts + Duration::hours(2),
                    venue: (*venue).to_owned(),
                    point: None,
                    district: district
                        .and_then(|n| districts.iter().find(|d| d.number == n))
                        .map(|d| d.id),
                    description: "Otwarte spotkanie Prezydenta Miasta Krakowa z mieszkańcami: \
                        każdy może przyjść, zadać pytanie lub opisać problem."
                        .to_owned(),
                };
                clock.set(starts - Duration::days(14));
                let tx = miasto_store::begin(db).await?;
                let m = store::create_meeting(&tx, &plan, official).await?;
                tx.commit().await?;
                // Four questions each, asked at the meeting, answered 7–34 days later.
                clock.set(starts + Duration::minutes(30));
                let mut asked = Vec::new();
                for k in 0..4 {
                    let (code, question, _) = BANK[(i * 4 + k) % BANK.len()];
                    let new = NewQuestion {
                        body: question.to_owned(),
                        channel: Channel::Meeting,
                        author: None,
                        recorded_by: None,
                        unit: unit(code),
                    };
                    let q = store::add_question(db, m.id, &new)
                        .await
                        .map_err(|e| anyhow::anyhow!("{e}"))?;
                    asked.push((q, k));
                    questions += 1;
                }
                for (q, k) in asked {
                    let (code, _, answer) = BANK[(i * 4 + k) % BANK.len()];
                    let Some(u) = unit(code) else { continue };
                    let days = 7 + i64::try_from((i * 7 + k * 5) % 28).unwrap_or(0);
                    clock.set(starts + Duration::days(days));
                    let by = miasto_domain::UserId(uuid::Uuid::nil());
                    store::answer(db, &q, u, answer, by)
                        .await
                        .map_err(|e| anyhow::anyhow!("{e}"))?;
                }
                clock.set(starts + Duration::days(40));
                let tx = miasto_store::begin(db).await?;
                store::publish(&tx, m.id, miasto_domain::UserId(uuid::Uuid::nil()))
                    .await
                    .map_err(|e| anyhow::anyhow!("{e}"))?;
                tx.commit().await?;
            }
            anyhow::Ok(())
        })
        .await?;
    // One coming meeting, in Stare Miasto (which the list has none for), open for questions.
    let soon = miasto_store::now() + Duration::days(21);
    let plan = MeetingPlan {
        title: "Ławka dialogu: Stare Miasto".to_owned(),
        audience: Audience::District,
        starts: soon,
        ends: soon + Duration::hours(2),
        venue: "Pałac Wielopolskich, pl. Wszystkich Świętych 3-4".to_owned(),
        point: Some((50.0587, 19.9377)),
        district: districts.iter().find(|d| d.number == 1).map(|d| d.id),
        description: "Przyjdź i zapytaj Prezydenta o sprawy Starego Miasta. Pytania można \
            wysyłać wcześniej przez stronę."
            .to_owned(),
    };
    let tx = miasto_store::begin(db).await?;
    let coming = store::create_meeting(&tx, &plan, official).await?;
    tx.commit().await?;
    println!(
        "Added {} past meetings with {questions} answered questions, and a coming one: /dialogue/{}",
        MEETINGS.len(),
        coming.number
    );
    Ok(())
}
