//! `miasto consult demo`: a realistic consultation for trying the consultation pages — a
//! draft resolution on how Kraków consults its residents (modelled on the 2025 draft the
//! city put out for comments: the plan, Small Consultations, the report), split into
//! sections and numbered paragraphs, in two versions; a survey with every kind of question;
//! comments that came on paper, by e-mail and letter and at duty hours, some on paragraphs;
//! survey responses; two meetings (minutes published after the first) and two duty hours.
//!
//! - `--phase open`: residents take part now (comment, answer the survey).
//! - `--phase analysis`: it closed three days ago; the comments wait for answers, so the
//!   answering page and the report can be tried. `--resident EMAIL` makes one of the
//!   comments that account's (to see the answer in "My city").

use anyhow::{Context, bail};
use chrono::Duration;
use miasto_domain::consultations::comments::Channel;
use miasto_domain::consultations::document::check_source;
use miasto_domain::consultations::survey::{Answer, Audience, RawQuestion, Survey};
use miasto_domain::consultations::{self as rules, Kind, Schedule};
use miasto_domain::{Email, UserId};
use miasto_store::DatabaseConnection;
use miasto_store::clock::Clock;
use miasto_store::consultations::{self as store, NewComment, Target, documents, meetings, survey};

/// Where the demo stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Open,
    Analysis,
}

impl Phase {
    pub fn parse(raw: &str) -> anyhow::Result<Self> {
        match raw {
            "open" => Ok(Self::Open),
            "analysis" => Ok(Self::Analysis),
            other => bail!("unknown phase {other:?}: use open or analysis"),
        }
    }
}

const TITLE: &str = "Zasady i tryb konsultacji społecznych z mieszkańcami Krakowa";

const DRAFT_1: &str = "# Projekt uchwały Rady Miasta Krakowa w sprawie zasad i trybu przeprowadzania konsultacji społecznych

## Rozdział 1. Przepisy ogólne

§ 1. Uchwała określa zasady i tryb przeprowadzania konsultacji społecznych z mieszkańcami Gminy Miejskiej Kraków.

§ 2. Konsultacje przeprowadza się w sprawach przewidzianych ustawami oraz w innych sprawach ważnych dla Gminy.

§ 3. Konsultacje są jawne, a informacja o nich jest dostępna dla każdego na stronie internetowej Miasta.

## Rozdział 2. Plan konsultacji

§ 4. Przed rozpoczęciem konsultacji Prezydent przygotowuje plan konsultacji, który określa przedmiot, cel, formy, harmonogram i komórkę odpowiedzialną.

§ 5. Akcja informacyjna trwa co najmniej 7 dni przed rozpoczęciem konsultacji.

§ 6. Konsultacje trwają nie krócej niż 21 dni.

## Rozdział 3. Małe konsultacje

§ 7. W sprawach dotyczących bezpośrednio niewielkiej grupy mieszkańców można przeprowadzić małe konsultacje, trwające od 14 do 30 dni.

§ 8. Z wnioskiem o małe konsultacje może wystąpić co najmniej 20 mieszkańców dzielnicy albo 4 organizacje pozarządowe.

## Rozdział 4. Raport

§ 9. Z przebiegu konsultacji sporządza się raport, który zawiera wszystkie zgłoszone uwagi wraz z ich rozpatrzeniem i uzasadnieniem.

§ 10. Raport publikuje się w terminie 60 dni od zakończenia konsultacji.

§ 11. Uchwała wchodzi w życie po upływie 14 dni od dnia ogłoszenia w Dzienniku Urzędowym Województwa Małopolskiego.
";

fn draft_2() -> String {
    DRAFT_1
        .replace(
            "§ 6. Konsultacje trwają nie krócej niż 21 dni.",
            "§ 6. Konsultacje trwają nie krócej niż 21 dni, a w okresie wakacyjnym nie krócej niż 30 dni.",
        )
        .replace(
            "§ 10. Raport publikuje się w terminie 60 dni od zakończenia konsultacji.",
            "§ 10. Raport publikuje się w terminie 30 dni od zakończenia konsultacji, a raport z małych konsultacji – w terminie 14 dni.",
        )
}

/// Comments as residents write them: (channel, paragraph to aim at by its text's start, or
/// none for the consultation as a whole, text).
const COMMENTS: &[(Channel, Option<&str>, &str)] = &[
    (
        Channel::Paper,
        Some("§ 6."),
        "21 dni to za mało, gdy konsultacje przypadają na wakacje. Proponuję 30 dni w lipcu i sierpniu.",
    ),
    (
        Channel::Email,
        Some("§ 10."),
        "Raport powinien być gotowy szybciej niż po 60 dniach – mieszkańcy zapominają, o co chodziło.",
    ),
    (
        Channel::Letter,
        Some("§ 8."),
        "Próg 20 mieszkańców dla małych konsultacji jest rozsądny, ale podpisy powinny dać się zbierać przez internet.",
    ),
    (
        Channel::DutyHour,
        Some("§ 5."),
        "Akcja informacyjna musi docierać także do osób starszych: plakaty w klatkach schodowych i ogłoszenia w parafiach.",
    ),
    (
        Channel::Paper,
        None,
        "Konsultacje powinny odbywać się także w soboty, bo w tygodniu pracuję do 17:00.",
    ),
    (
        Channel::Email,
        Some("§ 9."),
        "Proszę, aby w raporcie każda uwaga miała odpowiedź, a nie tylko zbiorcze podsumowanie.",
    ),
    (
        Channel::Letter,
        Some("§ 3."),
        "Informacja o konsultacjach powinna trafiać również do rad dzielnic i na tablice osiedlowe.",
    ),
    (
        Channel::Paper,
        Some("§ 6."),
        "Popieram wydłużenie konsultacji w okresie wakacyjnym.",
    ),
    (
        Channel::DutyHour,
        None,
        "Na dyżurze eksperta warto zapewnić tłumacza polskiego języka migowego.",
    ),
    (
        Channel::Email,
        Some("§ 4."),
        "Plan konsultacji powinien podawać imię i nazwisko osoby do kontaktu oraz telefon.",
    ),
];

/// Says how far a long seeding has come, on standard error.
fn progress(what: &str, done: usize, of: usize) {
    if of >= 10_000 && done % 10_000 == 9_999 {
        eprintln!("{what}: {} of {of}", done + 1);
    }
}

/// Creates the demo consultation; prints where to see it.
pub async fn create(
    db: &DatabaseConnection,
    phase: Phase,
    comments: usize,
    responses: usize,
    resident: Option<&str>,
    campaign: usize,
) -> anyhow::Result<()> {
    let (c, document) = build(db, phase, comments, responses, resident).await?;
    if campaign > 0 {
        add_campaign(db, c.id, campaign).await?;
    }
    println!("consultation: /consultations/{}", c.slug);
    println!("document: /consultations/{}/documents/{document}", c.slug);
    println!("survey: /consultations/{}/survey", c.slug);
    println!(
        "meetings and duty hours (staff): /staff/consultations/{}/meetings",
        c.slug
    );
    println!("answers (staff): /staff/consultations/{}/answers", c.slug);
    println!(
        "groups of comments (staff): /staff/consultations/{}/groups",
        c.slug
    );
    println!("statements: /consultations/{}/statements", c.slug);
    println!("opinion groups: /consultations/{}/opinions", c.slug);
    Ok(())
}

/// Statements to vote on (the city's), in two camps and one most share.
const STATEMENTS: [&str; 7] = [
    "Konsultacje w wakacje powinny trwać co najmniej 30 dni.",
    "21 dni konsultacji wystarczy przez cały rok.",
    "Raport z konsultacji powinien ukazać się w ciągu 30 dni.",
    "60 dni na raport to rozsądny termin dla urzędu.",
    "Małe konsultacje powinny móc zwołać rady dzielnic.",
    "Małe konsultacje to zbędna biurokracja.",
    "Każda uwaga powinna dostać odpowiedź z uzasadnieniem.",
];

/// Forty residents vote: two camps (for faster, shorter consultations and for the rules as
/// they are), a few passes, and nearly everyone for answering every comment.
async fn seed_votes(db: &DatabaseConnection, consultation: uuid::Uuid) -> anyhow::Result<()> {
    use miasto_domain::consultations::statements::{Choice, Status};
    use miasto_store::consultations::statements as st;
    let statements = st::list(db, consultation, Status::Accepted).await?;
    let tx = miasto_store::begin(db).await?;
    for voter in 0..40usize {
        let user = UserId::new();
        let reformer = voter % 3 != 0;
        for (i, s) in statements.iter().enumerate() {
            let choice = if i == 6 {
                if voter % 9 == 0 {
                    Choice::Pass
                } else {
                    Choice::Agree
                }
            } else if (voter + i) % 13 == 0 {
                Choice::Pass
            } else if (i % 2 == 0) == reformer {
                Choice::Agree
            } else {
                Choice::Disagree
            };
            st::vote(&tx, consultation, s.id, user, choice)
                .await
                .map_err(|e| anyhow::anyhow!("vote: {e}"))?;
        }
    }
    tx.commit().await?;
    Ok(())
}

/// A letter residents copy and send in (a campaign), and the edits they make.
const CAMPAIGN: &str = "Jako mieszkańcy Podgórza domagamy się, aby konsultacje w okresie \
wakacyjnym trwały co najmniej 30 dni, a raport był publikowany w ciągu 30 dni od ich \
zakończenia. Każda uwaga musi otrzymać odpowiedź z uzasadnieniem.";
const CAMPAIGN_GREETINGS: &[&str] = &[
    "",
    "Dzień dobry, ",
    "Szanowni Państwo,\n",
    "Szanowny Panie Prezydencie! ",
];
const CAMPAIGN_SIGNATURES: &[&str] = &[
    "",
    "\nZ poważaniem, Anna Nowak",
    "\nPozdrawiam, Jan Kowalski, ul. Wielicka 12",
    "\nZ wyrazami szacunku\nMaria Wójcik",
];

/// `copies` of the campaign letter, typed in from paper and e-mail with the edits people
/// make (greetings, signatures, a typo, Polish letters lost): one group for the
/// consultation algorithm to find.
async fn add_campaign(
    db: &DatabaseConnection,
    consultation: uuid::Uuid,
    copies: usize,
) -> anyhow::Result<()> {
    let tx = miasto_store::begin(db).await?;
    for i in 0..copies {
        let mut body = CAMPAIGN.to_owned();
        match i % 4 {
            1 => body = body.replace("wakacyjnym", "wakacyjnm"),
            2 => {
                body = body
                    .replace('ą', "a")
                    .replace('ę', "e")
                    .replace('ż', "z")
                    .replace('ó', "o")
                    .replace('ń', "n")
            }
            3 => body = body.replace("co najmniej", "conajmniej"),
            _ => {}
        }
        let text = format!(
            "{}{body}{}",
            CAMPAIGN_GREETINGS[i % CAMPAIGN_GREETINGS.len()],
            CAMPAIGN_SIGNATURES[(i / 2) % CAMPAIGN_SIGNATURES.len()]
        );
        store::add_comment(
            &tx,
            consultation,
            NewComment {
                channel: if i % 2 == 0 {
                    Channel::Paper
                } else {
                    Channel::Email
                },
                author: None,
                author_name: None,
                body: text,
                recorded_by: None,
                target: Target::Consultation,
            },
        )
        .await
        .map_err(|e| anyhow::anyhow!("campaign comment: {e}"))?;
    }
    tx.commit().await?;
    Ok(())
}

/// The minutes of the demo's first meeting.
const MINUTES: &str = "W spotkaniu wzięło udział 46 osób. Przedstawiono projekt uchwały i harmonogram konsultacji. \
Mieszkańcy pytali o terminy raportu (prosili o krótszy niż 60 dni), o konsultacje w wakacje \
(wydłużenie o 7 dni przyjęto z aprobatą) i o małe konsultacje w osiedlach. Rady dzielnic \
prosiły o zawiadamianie ich o każdych konsultacjach na ich terenie. Wszystkie uwagi zgłoszone \
ustnie zapisano jako uwagi ze spotkania.";

/// A Kraków hour on the day `days` after `from`.
fn local(
    from: chrono::DateTime<chrono::Utc>,
    days: i64,
    hour: u32,
) -> chrono::DateTime<chrono::Utc> {
    use chrono_tz::Europe::Warsaw;
    (from + Duration::days(days))
        .with_timezone(&Warsaw)
        .date_naive()
        .and_hms_opt(hour, 0, 0)
        .and_then(|t| t.and_local_timezone(Warsaw).earliest())
        .map_or(from + Duration::days(days), |t| {
            t.with_timezone(&chrono::Utc)
        })
}

/// Two meetings (in the City Council's hall, with places; online, without a limit) and two
/// duty hours (the seed's: a day in room 13, half-hour talks; and one by phone). Returns the
/// first meeting.
async fn meetings_and_duty_hours(
    db: &DatabaseConnection,
    consultation: uuid::Uuid,
    opens: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<meetings::Meeting> {
    use miasto_domain::consultations::meetings::{DutyHourPlan, Format, MeetingPlan, Mode};
    let failed = |e: store::ChangeError| anyhow::anyhow!("meetings: {e}");
    let first = meetings::add_meeting(
        db,
        consultation,
        &MeetingPlan {
            title: "Spotkanie otwarte o projekcie uchwały".into(),
            format: Format::Hybrid,
            starts: local(opens, 5, 17),
            ends: local(opens, 5, 19),
            place: Some("Sala Obrad Rady Miasta Krakowa, pl. Wszystkich Świętych 3-4".into()),
            point: Some((50.0587, 19.9383)),
            link: Some("https://spotkania.krakow.pl/konsultacje-zasady".into()),
            agenda: "1. Przedstawienie projektu uchwały (15 min).\n2. Pytania i uwagi mieszkańców.\n3. Co dalej: raport z konsultacji.".into(),
            capacity: Some(80),
        },
    )
    .await
    .map_err(failed)?;
    meetings::add_meeting(
        db,
        consultation,
        &MeetingPlan {
            title: "Spotkanie online dla rad dzielnic".into(),
            format: Format::Online,
            starts: local(opens, 12, 18),
            ends: local(opens, 12, 20),
            place: None,
            point: None,
            link: Some("https://spotkania.krakow.pl/konsultacje-dzielnice".into()),
            agenda: "Małe konsultacje w dzielnicach: jak o nie wnioskować i kto je prowadzi."
                .into(),
            capacity: None,
        },
    )
    .await
    .map_err(failed)?;
    for plan in [
        DutyHourPlan {
            expert: "Wydział Dialogu, Konsultacji i Kontaktu Obywatelskiego".into(),
            mode: Mode::InPerson,
            starts: local(opens, 7, 8),
            ends: local(opens, 7, 15),
            place: Some("ul. Wielicka 28a, pokój 13".into()),
            phone: None,
            slot_minutes: 30,
        },
        DutyHourPlan {
            expert: "Biuro Prawne – pytania o projekt uchwały".into(),
            mode: Mode::Phone,
            starts: local(opens, 8, 10),
            ends: local(opens, 8, 12),
            place: None,
            phone: Some(
                miasto_domain::reports::Phone::parse("12 616 12 00")
                    .map_err(|e| anyhow::anyhow!("phone: {e}"))?,
            ),
            slot_minutes: 20,
        },
    ] {
        meetings::add_duty_hour(db, consultation, &plan)
            .await
            .map_err(failed)?;
    }
    Ok(first)
}

/// Builds the demo consultation: it and its document's id.
pub async fn build(
    db: &DatabaseConnection,
    phase: Phase,
    comments: usize,
    responses: usize,
    resident: Option<&str>,
) -> anyhow::Result<(store::Consultation, uuid::Uuid)> {
    let now = miasto_store::now();
    let (information, opens, closes) = match phase {
        Phase::Open => (
            now - Duration::days(10),
            now - Duration::days(3),
            now + Duration::days(25),
        ),
        Phase::Analysis => (
            now - Duration::days(45),
            now - Duration::days(38),
            now - Duration::days(3),
        ),
    };
    let report_due = closes + Duration::days(30);
    let unit = match miasto_store::reference::find_unit_by_code(db, "WD").await? {
        Some(u) => u.id,
        None => {
            miasto_store::reference::list_units(db)
                .await?
                .first()
                .context("no city units: run `miasto migrate` with the city's reference data")?
                .id
        }
    };
    let author = match resident {
        Some(raw) => {
            let email = Email::parse(raw).map_err(|e| anyhow::anyhow!("--resident: {e}"))?;
            Some(
                miasto_store::accounts::find_by_email(db, &email)
                    .await?
                    .with_context(|| format!("no account {raw}"))?
                    .id,
            )
        }
        None => None,
    };
    let content = store::Content {
        plan: rules::check_plan(&rules::RawPlan {
            kind: "standard",
            title: TITLE,
            goal: "Poznać opinie mieszkańców o projekcie nowych zasad konsultacji: planu konsultacji, małych konsultacji i raportu odpowiadającego na każdą uwagę.",
            legal_basis: "Art. 5a ustawy z dnia 8 marca 1990 r. o samorządzie gminnym",
            target_groups: "Mieszkańcy Krakowa, rady dzielnic, organizacje pozarządowe",
            contact_name: "Wydział Dialogu, Konsultacji i Kontaktu Obywatelskiego",
            contact_email: "konsultacje@um.krakow.pl",
            contact_phone: "12 616 12 00",
        })
        .map_err(|e| anyhow::anyhow!("the demo plan: {e:?}"))?,
        organisation: rules::Organisation {
            topics: vec![rules::Topic::Governance],
            ..rules::check_organisation(
                Some(unit),
                &["survey", "comments", "statements", "meetings", "duty_hours", "paper"],
                true,
                Vec::new(),
            )
            .map_err(|e| anyhow::anyhow!("the demo plan: {e:?}"))?
        },
        schedule: Schedule::new(
            Kind::Standard,
            &Default::default(),
            information,
            opens,
            closes,
            report_due,
        )
        .map_err(|e| anyhow::anyhow!("the demo schedule: {e:?}"))?,
    };
    let official = UserId::new();
    // Written as it would have been: planned before the information campaign, commented
    // while open.
    let clock = Clock::at(information - Duration::days(1));
    let (c, document) = clock
        .run(async {
            let c = store::create(db, &content, official).await?;
            store::publish(db, c.id).await?;
            let blocks = check_source(DRAFT_1).map_err(|e| anyhow::anyhow!("draft: {e}"))?;
            let d = documents::create(db, c.id, "Projekt uchwały", &blocks, DRAFT_1, official).await?;
            let mut s = Survey {
                audience: Audience::Accounts,
                demographics: true,
                ..Survey::default()
            };
            for q in [
                RawQuestion { kind: "single", text: "Czy brałeś(-aś) już udział w konsultacjach społecznych w Krakowie?", options: "Tak\nNie", required: true, ..Default::default() },
                RawQuestion { kind: "long_text", text: "Co zniechęciło Cię do udziału?", shown_if: "q1:1", ..Default::default() },
                RawQuestion { kind: "multiple", text: "Które formy konsultacji Ci odpowiadają?", options: "Ankieta internetowa\nSpotkanie w dzielnicy\nDyżur eksperta\nUwagi na piśmie\nSpacer badawczy", ..Default::default() },
                RawQuestion { kind: "scale", text: "Jak oceniasz informowanie o konsultacjach?", options: "1 – bardzo źle\n2\n3\n4\n5 – bardzo dobrze", required: true, ..Default::default() },
                RawQuestion { kind: "matrix", text: "Jak ważne są dla Ciebie te elementy?", options: "Nieważne\nRaczej ważne\nBardzo ważne", rows: "Odpowiedź na każdą uwagę\nKonsultacje w weekendy\nMałe konsultacje w dzielnicach", ..Default::default() },
                RawQuestion { kind: "ranking", text: "Uszereguj kanały informacji od najlepszego", options: "Strona internetowa\nMedia społecznościowe\nPlakaty\nRada dzielnicy", ..Default::default() },
                RawQuestion { kind: "short_text", text: "Jednym zdaniem: co poprawić?", ..Default::default() },
                RawQuestion { kind: "file", text: "Zdjęcie ogłoszenia o konsultacjach, które widziałeś(-aś) (nieobowiązkowe)", ..Default::default() },
            ] {
                let q = s.check_question(&q).map_err(|e| anyhow::anyhow!("survey: {e:?}"))?;
                s.questions.push(q);
            }
            survey::save(db, c.id, &s, 0).await?;
            for body in STATEMENTS {
                miasto_store::consultations::statements::add(db, c.id, body, Some(official), true)
                    .await
                    .map_err(|e| anyhow::anyhow!("statement: {e}"))?;
            }
            let first_meeting = meetings_and_duty_hours(db, c.id, opens).await?;
            clock.set(opens + Duration::days(2));
            let blocks = check_source(&draft_2()).map_err(|e| anyhow::anyhow!("draft: {e}"))?;
            documents::new_version(db, &d, 1, &blocks, &draft_2(), Some("Dłuższe konsultacje w wakacje, krótszy termin raportu.".into()), official).await?;
            let paragraphs = documents::paragraphs(db, d.id, 2).await?;
            // Spread over the consultation's weeks, written a thousand to a transaction.
            let window = (closes - opens - Duration::days(3)).num_seconds().max(1);
            let at = |i: usize, n: usize| {
                opens + Duration::days(2) + Duration::seconds(window * i as i64 / n.max(1) as i64)
            };
            let mut tx = miasto_store::begin(db).await?;
            for (i, (channel, aim, text)) in COMMENTS.iter().cycle().take(comments).enumerate() {
                if i % 1000 == 999 {
                    tx.commit().await?;
                    tx = miasto_store::begin(db).await?;
                    progress("comments", i, comments);
                }
                clock.set(at(i, comments));
                let target = aim
                    .and_then(|start| paragraphs.iter().find(|p| p.body.starts_with(start)))
                    .map_or(Target::Consultation, |p| Target::Paragraph(p.id));
                let mine = i == 0 && author.is_some();
                store::add_comment(
                    &tx,
                    c.id,
                    NewComment {
                        channel: if mine { Channel::Web } else { *channel },
                        author: if mine { author } else { None },
                        author_name: None,
                        body: (*text).to_owned(),
                        recorded_by: if mine { None } else { Some(official) },
                        target,
                    },
                )
                .await
                .map_err(|e| anyhow::anyhow!("comment: {e}"))?;
            }
            tx.commit().await?;
            clock.set(at(1, 2));
            seed_votes(db, c.id).await?;
            // Responses, spread deterministically over the answers.
            let mut tx = miasto_store::begin(db).await?;
            for i in 0..responses {
                if i % 1000 == 999 {
                    tx.commit().await?;
                    tx = miasto_store::begin(db).await?;
                    progress("survey responses", i, responses);
                }
                clock.set(at(i, responses));
                let pick = |n: usize, salt: usize| (i * 7 + salt * 13 + i / 3) % n;
                let mut answers = vec![("q1".to_owned(), Answer::Choice(pick(2, 1)))];
                if pick(2, 1) == 1 {
                    answers.push(("q2".to_owned(), Answer::Text("Nie wiedziałem, że konsultacje trwają.".into())));
                }
                let mut forms: Vec<usize> = vec![pick(5, 2), pick(5, 3)];
                forms.sort_unstable();
                forms.dedup();
                answers.push(("q3".to_owned(), Answer::Choices(forms)));
                answers.push(("q4".to_owned(), Answer::Choice(pick(5, 4))));
                answers.push(("q5".to_owned(), Answer::Matrix(vec![Some(2), Some(pick(3, 5)), Some(pick(3, 6))])));
                let mut order = vec![0, 1, 2, 3];
                order.rotate_left(pick(4, 7));
                answers.push(("q6".to_owned(), Answer::Ranking(order)));
                survey::submit(
                    &tx,
                    c.id,
                    &survey::NewResponse {
                        // Every third from the app.
                        from_app: i % 3 == 0,
                        user: None,
                        code: None,
                        district: None,
                        age_band: Some(miasto_domain::consultations::survey::AGE_BANDS[pick(7, 8)].to_owned()),
                        sex: Some(miasto_domain::consultations::survey::SEXES[pick(3, 9)].to_owned()),
                        answers,
                        files: Vec::new(),
                    },
                )
                .await
                .map_err(|e| anyhow::anyhow!("response: {e}"))?;
            }
            tx.commit().await?;
            if phase == Phase::Analysis {
                clock.set(first_meeting.plan.ends + Duration::days(1));
                meetings::publish_minutes(db, first_meeting.id, MINUTES).await.map_err(|e| anyhow::anyhow!("minutes: {e}"))?;
            }
            anyhow::Ok((c, d.id))
        })
        .await?;
    Ok((c, document))
}
