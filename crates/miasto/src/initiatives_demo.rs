//! `miasto demo initiatives`: a year of local initiatives as Kraków reported 2025 (`domain.md`
//! §1.9): a pool of almost half a million złoty, 61 applications, 40 realised. The titles,
//! places and figures are invented but plausible (pickers, neighbourhood fêtes, planting,
//! workshops); the rest were refused — too few points, or filed when the money had run out.
//! The same run gives the same data.

use chrono::{Datelike, Duration, NaiveDate, TimeZone, Utc};
use miasto_domain::initiatives::{Area, Opinion, Score};
use miasto_domain::{DistrictId, UserId};
use miasto_store::DatabaseConnection;
use miasto_store::clock::Clock;
use miasto_store::initiatives::{self as store, Application};

/// (title, area, what the city gives, cost in złoty).
const KINDS: [(&str, Area, &str, i64); 10] = [
    (
        "Piknik sąsiedzki",
        Area::Culture,
        "namioty, nagłośnienie, materiały do warsztatów",
        9_800,
    ),
    (
        "Sadzimy drzewa na osiedlu",
        Area::Environment,
        "sadzonki, ziemia, narzędzia",
        12_400,
    ),
    (
        "Kino plenerowe",
        Area::Culture,
        "ekran, projektor, licencje filmów",
        8_600,
    ),
    (
        "Warsztaty rowerowe dla dzieci",
        Area::Sport,
        "stojaki, narzędzia, kaski",
        7_200,
    ),
    (
        "Ogród społeczny",
        Area::Environment,
        "skrzynie, ziemia, nasiona, konewki",
        14_900,
    ),
    (
        "Sprzątanie brzegów rzeki",
        Area::Environment,
        "worki, rękawice, wywóz odpadów",
        4_300,
    ),
    (
        "Turniej szachowy dla seniorów",
        Area::Social,
        "szachownice, zegary, nagrody",
        3_900,
    ),
    (
        "Mural na ścianie szkoły",
        Area::Culture,
        "farby, rusztowanie, projekt",
        16_500,
    ),
    (
        "Bezpieczna droga do szkoły",
        Area::Safety,
        "kamizelki, znaki, szkolenie",
        6_100,
    ),
    (
        "Budki dla ptaków i owadów",
        Area::Education,
        "drewno, narzędzia, warsztaty",
        5_400,
    ),
];

/// The 2025 pool: "almost half a million złoty".
const POOL: i64 = 49_500_000;
const APPLICATIONS: usize = 61;

/// Adds the year; prints what it made.
pub async fn create(db: &DatabaseConnection) -> anyhow::Result<()> {
    let year = 2025;
    let districts = miasto_store::reference::list_districts(db).await?;
    let jan1 = Utc
        .with_ymd_and_hms(year, 1, 10, 9, 0, 0)
        .single()
        .ok_or_else(|| anyhow::anyhow!("demo date"))?;
    let clock = Clock::at(jan1);
    let official = UserId(uuid::Uuid::nil());
    let (mut accepted_count, mut refused) = (0, 0);
    clock
        .clone()
        .run(async {
            let tx = miasto_store::begin(db).await?;
            store::set_pool(&tx, year, POOL).await?;
            tx.commit().await?;
            for n in 0..APPLICATIONS {
                let (title, area, gives, cost) = KINDS[n % KINDS.len()];
                let district = &districts[(n * 7) % districts.len()];
                // Filed through the year, roughly weekly.
                let filed = jan1 + Duration::days(i64::try_from(n * 5).unwrap_or(0));
                clock.set(filed);
                let starts = miasto_store::today() + Duration::weeks(9);
                let application = Application {
                    title: format!("{title} – {}", district.name),
                    summary: format!("{title} dla mieszkańców dzielnicy {}.", district.name),
                    applicants: vec!["Anna Nowak".into(), "Piotr Wiśniewski".into()],
                    organisation: (n % 4 == 0).then(|| "Stowarzyszenie Sąsiedzi Razem".to_owned()),
                    contact_email: format!("wnioskodawca{n}@example.pl"),
                    contact_phone: None,
                    area,
                    task: format!("Mieszkańcy organizują: {title}; miasto zapewnia: {gives}."),
                    starts,
                    ends: starts + Duration::days(i64::try_from(n % 3).unwrap_or(0)),
                    place: format!("Skwer przy ul. Lipowej {}", n + 1),
                    district: DistrictId(district.id.0),
                    city_land: n % 5 != 0,
                    landowner_consent: n % 5 == 0,
                    significance: "Sąsiedzi poznają się i razem dbają o swoje otoczenie.".into(),
                    residents_contribution: "Praca wolontariuszy, poczęstunek, sprzątanie.".into(),
                    city_contribution: gives.to_owned(),
                    // Spread a little, and a quarter above the list: the pool runs out at the
                    // 40th accepted, as in 2025.
                    cost: (cost + i64::try_from(n % 9).unwrap_or(0) * 350) * 125,
                    opinion: if n % 3 == 0 {
                        Opinion::Positive
                    } else {
                        Opinion::None
                    },
                };
                let tx = miasto_store::begin(db).await?;
                let i = store::submit(&tx, &application, year, None).await?;
                tx.commit().await?;
                clock.set(filed + Duration::days(10));
                // Every sixth is too weak; the others pass.
                let weak = n % 6 == 5;
                let score = Score {
                    usefulness: if weak {
                        25
                    } else {
                        30 + u32::try_from(n % 15).unwrap_or(0)
                    },
                    contribution: if weak {
                        20
                    } else {
                        25 + u32::try_from(n % 20).unwrap_or(0)
                    },
                    extra: if application.opinion == Opinion::Positive {
                        10
                    } else {
                        0
                    },
                };
                store::assess(db, i.id, score, None, official)
                    .await
                    .map_err(|e| anyhow::anyhow!("{e}"))?;
                let assessed = store::get_by_number(db, i.number)
                    .await?
                    .ok_or_else(|| anyhow::anyhow!("demo initiative vanished"))?;
                let accepted = !weak && store::accept(db, &assessed, official).await.is_ok();
                if !accepted {
                    let reason = if weak {
                        "Wniosek uzyskał mniej niż 60 punktów."
                    } else {
                        "Pula na ten rok została wyczerpana."
                    };
                    store::refuse(db, i.id, reason, official)
                        .await
                        .map_err(|e| anyhow::anyhow!("{e}"))?;
                    refused += 1;
                    continue;
                }
                let agreed: NaiveDate = (filed + Duration::days(20)).date_naive();
                store::agree(db, i.id, agreed)
                    .await
                    .map_err(|e| anyhow::anyhow!("{e}"))?;
                if starts.year() == year {
                    store::realised(
                        db,
                        i.id,
                        starts,
                        &format!(
                            "Wzięło udział około {} osób. Dziękujemy wolontariuszom!",
                            40 + n * 3
                        ),
                    )
                    .await
                    .map_err(|e| anyhow::anyhow!("{e}"))?;
                }
                accepted_count += 1;
            }
            anyhow::Ok(())
        })
        .await?;
    println!(
        "Added {APPLICATIONS} local initiative applications for {year}: {accepted_count} accepted, {refused} refused."
    );
    Ok(())
}
