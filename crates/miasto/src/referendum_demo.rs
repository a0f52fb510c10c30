//! `miasto demo referendum`: a district referendum held and counted, and one open for voting. The 2025 one (district VIII Dębniki, on the future of a green area by the
//! Wisła — invented but plausible) runs through every step the platform offers: a draft,
//! the announcement with the ballot key split among a commission of three (two open it),
//! ballots cast online and paper sheets typed twice, and the count with the commission's
//! shares. The same run gives the same data.

use chrono::{Duration, TimeZone, Utc};
use miasto_domain::referenda::{Question, Validity, Window};
use miasto_domain::vote::{FoldedName, Identity};
use miasto_domain::{DistrictId, UserId};
use miasto_store::DatabaseConnection;
use miasto_store::clock::Clock;
use miasto_store::referenda::{self as store, Draft};

const ONLINE: u32 = 1_240;
const PAPER: u32 = 160;

fn question(n: u128, text: &str, options: &[&str]) -> Question {
    Question {
        id: uuid::Uuid::from_u128(0x5245_4645_0000_0000 + n),
        text: text.to_owned(),
        options: options.iter().map(|o| (*o).to_owned()).collect(),
    }
}

/// A voter of the demo: a name and a birth date made from their number.
fn voter(n: u32) -> anyhow::Result<Identity> {
    const FIRST: [&str; 8] = [
        "Anna",
        "Jan",
        "Maria",
        "Piotr",
        "Katarzyna",
        "Tomasz",
        "Ewa",
        "Paweł",
    ];
    const LAST: [&str; 8] = [
        "Nowak",
        "Kowalski",
        "Wiśniewska",
        "Wójcik",
        "Kamińska",
        "Lewandowski",
        "Zielińska",
        "Szymański",
    ];
    let i = usize::try_from(n).unwrap_or(0);
    let name = format!("{} {} {}", FIRST[i % 8], LAST[(i / 8) % 8], roman(n));
    let name = FoldedName::parse(&name).ok_or_else(|| anyhow::anyhow!("demo name"))?;
    let born = chrono::NaiveDate::from_ymd_opt(1940, 1, 1)
        .ok_or_else(|| anyhow::anyhow!("demo date"))?
        + Duration::days(i64::from(n % 20_000));
    Ok(Identity::Declared { born, name })
}

/// A letters-only suffix that tells the demo's voters apart.
fn roman(mut n: u32) -> String {
    let mut out = String::new();
    loop {
        out.push(char::from(b'a' + u8::try_from(n % 26).unwrap_or(0)));
        n /= 26;
        if n == 0 {
            break;
        }
    }
    format!("x{out}")
}

/// Adds the two referenda; prints what it made.
pub async fn create(db: &DatabaseConnection, secret: &[u8]) -> anyhow::Result<()> {
    let districts = miasto_store::reference::list_districts(db).await?;
    let debniki = districts
        .iter()
        .find(|d| d.number == 8)
        .ok_or_else(|| anyhow::anyhow!("district VIII is missing"))?;
    let at = |m: u32, d: u32, h: u32| {
        Utc.with_ymd_and_hms(2025, m, d, h, 0, 0)
            .single()
            .ok_or_else(|| anyhow::anyhow!("demo date"))
    };
    let clock = Clock::at(at(8, 20, 9)?);
    // The two people who type in each paper sheet at the voting point.
    let keyers = [
        UserId(uuid::Uuid::from_u128(1)),
        UserId(uuid::Uuid::from_u128(2)),
    ];
    let draft = Draft {
        district: DistrictId(debniki.id.0),
        title: "Przyszłość łąk nad Wisłą na Dębnikach".to_owned(),
        description: "Rada Dzielnicy VIII i mieszkańcy pytają, czy łąki między bulwarem a \
            ul. Praską mają pozostać terenem zielonym, i jaki park tam urządzić. Wynik \
            referendum rada dzielnicy przekaże Radzie Miasta wraz z wnioskiem o zmianę planu \
            miejscowego.\n\nGłosują mieszkańcy Dzielnicy VIII, którzy ukończyli 18 lat."
            .to_owned(),
        questions: vec![
            question(
                1,
                "Czy łąki nad Wisłą między bulwarem a ul. Praską mają pozostać terenem zielonym?",
                &[],
            ),
            question(
                2,
                "Jaki park powinien tam powstać?",
                &[
                    "Park naturalistyczny z łąką kwietną",
                    "Park rekreacyjny z placem zabaw i boiskiem",
                    "Ogrody społeczne i sad",
                ],
            ),
        ],
        window: Window {
            opens: at(10, 12, 5)?,
            closes: at(10, 12, 19)?,
        },
        min_age: 18,
        electorate: Some(52_300),
        validity: Validity::Always,
    };
    let mut shares = Vec::new();
    let number = clock
        .clone()
        .run(async {
            let tx = miasto_store::begin(db).await?;
            let r = store::create(&tx, &draft, None, None).await?;
            // The command line hands out the shares itself: none waits in the database.
            shares = store::announce(&tx, &r, 2, &[None, None, None], u32::MAX, secret)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            tx.commit().await?;
            let r = store::get(db, r.id)
                .await?
                .ok_or_else(|| anyhow::anyhow!("demo referendum vanished"))?;
            clock.set(at(10, 12, 8)?);
            for n in 0..ONLINE + PAPER {
                let identity = voter(n)?;
                let keys = identity.keys(secret, r.id);
                // Two thirds keep the meadows green; most of them want a natural park.
                let q0 = u16::from(n % 3 == 2);
                let q1 = u16::try_from(n % 7).unwrap_or(0).min(2);
                let mut marks = vec![(r.questions[0].id, q0)];
                if n % 11 != 0 {
                    marks.push((r.questions[1].id, q1));
                }
                let tx = miasto_store::begin(db).await?;
                if n < ONLINE {
                    let user = UserId(uuid::Uuid::from_u128(0x1000 + u128::from(n)));
                    store::vote(&tx, &r, &keys, user, &marks, secret)
                        .await
                        .map_err(|e| anyhow::anyhow!("{e}"))?;
                } else {
                    let sheet = format!("VIII-{n:05}");
                    let point = "Urząd Dzielnicy VIII, ul. Praska 52";
                    let paper = store::sheet(&sheet, point, keys, &marks);
                    for keyer in &keyers {
                        store::key_paper(&tx, &r, &paper, *keyer, secret)
                            .await
                            .map_err(|e| anyhow::anyhow!("{e}"))?;
                    }
                }
                tx.commit().await?;
            }
            clock.set(at(10, 12, 20)?);
            let texts: Vec<String> = shares.iter().take(2).map(|s| s.to_text()).collect();
            let entries: Vec<&str> = texts.iter().map(String::as_str).collect();
            store::open_and_count(db, &r, &entries, None, secret)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            anyhow::Ok(r.number)
        })
        .await?;
    // One voting now (for two weeks), in district I Stare Miasto: announced "two days ago".
    let stare_miasto = districts
        .iter()
        .find(|d| d.number == 1)
        .ok_or_else(|| anyhow::anyhow!("district I is missing"))?;
    let now = miasto_store::now();
    let opens = now - Duration::hours(1);
    let current = Draft {
        district: DistrictId(stare_miasto.id.0),
        title: "Ogród kieszonkowy zamiast parkingu przy ul. Westerplatte".to_owned(),
        description: "Czy parking przy ul. Westerplatte ma ustąpić ogrodowi kieszonkowemu z \
            ławkami i drzewami? Miejsca postojowe dla mieszkańców zostałyby przeniesione na \
            ul. Lubicz. Spotkania informacyjne w Urzędzie Dzielnicy I w każdy czwartek o 18:00."
            .to_owned(),
        questions: vec![
            question(
                3,
                "Czy parking przy ul. Westerplatte ma zostać zamieniony na ogród kieszonkowy?",
                &[],
            ),
            question(
                4,
                "Co powinno się znaleźć w ogrodzie?",
                &["Ławki i drzewa", "Łąka kwietna", "Mały plac zabaw"],
            ),
        ],
        window: Window {
            opens,
            closes: now + Duration::days(14),
        },
        min_age: 18,
        electorate: Some(29_400),
        validity: Validity::Always,
    };
    let r = Clock::at(now - Duration::days(2))
        .run(async {
            let tx = miasto_store::begin(db).await?;
            let r = store::create(&tx, &current, None, None).await?;
            store::announce(&tx, &r, 2, &[None, None, None], u32::MAX, secret)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            tx.commit().await?;
            anyhow::Ok(r)
        })
        .await?;
    println!(
        "Added referendum no. {number} (district VIII, {} ballots counted) and no. {} (district I, voting until {}).",
        ONLINE + PAPER,
        r.number,
        r.window.closes.date_naive()
    );
    Ok(())
}
