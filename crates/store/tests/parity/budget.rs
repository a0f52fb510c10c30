//! The citizens' budget store: one ballot per person, paper ballots double-keyed, the count
//! and its anonymised Pabulib export — on both engines.

use crate::user;
use chrono::NaiveDate;
use miasto_domain::Role;
use miasto_domain::budget::Pesel;
use miasto_store::budget::{self, CastError, Channel, Identity, Keying, Mark, Sheet};
use miasto_store::testing::{TestDb, budget_edition};
use miasto_store::{ConnectionTrait, TransactionTrait};

const SECRET: &[u8] = b"test-secret-of-at-least-32-characters!!";

fn pesel(raw: &str) -> Identity {
    Identity::Pesel(Pesel::parse(raw).unwrap())
}

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 9, 20).unwrap()
}

/// Kraków's ballot: three projects of `city` and three of `district`, scored 3/2/1.
fn marks(
    pools: &[budget::Pool],
    projects: &[Vec<budget::Project>],
    district: usize,
    picks: [[usize; 3]; 2],
) -> Vec<Mark> {
    let mut out = Vec::new();
    for (slot, pool) in [0, district].into_iter().enumerate() {
        for (rank, &p) in picks[slot].iter().enumerate() {
            out.push(Mark {
                pool: pools[pool].id,
                project: projects[pool][p].id,
                points: 3 - u16::try_from(rank).unwrap(),
            });
        }
    }
    out
}

#[tokio::test]
async fn one_person_one_ballot_stored_without_identity_and_counted_per_pool() {
    let db = TestDb::new().await;
    let (edition, pools, projects) = budget_edition(&db.db, "2026", true).await;
    let resident = user(&db, "glosujaca@example.pl", Role::Resident).await;
    let first = pesel("44051401458");
    let hash = first.hash(SECRET, edition.id);
    assert_eq!(hash.len(), 64);
    assert_ne!(
        hash,
        first.hash(SECRET, uuid::Uuid::now_v7()),
        "hashes differ per edition"
    );
    assert_ne!(
        hash,
        first.hash(b"another-secret-of-at-least-32-chars!!", edition.id)
    );

    let ballot = marks(&pools, &projects, 1, [[0, 1, 2], [0, 1, 2]]);
    budget::cast(
        &db.db,
        edition.id,
        &hash,
        Some(resident.id),
        Channel::Online,
        day(),
        &ballot,
    )
    .await
    .unwrap();
    assert!(
        budget::has_voted(&db.db, edition.id, resident.id)
            .await
            .unwrap()
    );
    assert!(
        budget::identity_voted(&db.db, edition.id, &hash)
            .await
            .unwrap()
    );

    // The same PESEL again, even from another account or on paper, is refused, and the
    // refusal leaves the caller's transaction usable (PostgreSQL aborts on errors).
    let tx = db.db.begin().await.unwrap();
    let again = budget::cast(
        &tx,
        edition.id,
        &hash,
        None,
        Channel::Online,
        day(),
        &ballot,
    )
    .await;
    assert!(matches!(again, Err(CastError::AlreadyVoted)), "{again:?}");
    assert_eq!(
        budget::ballot_totals(&tx, edition.id).await.unwrap(),
        (1, 0)
    );
    tx.commit().await.unwrap();
    // The same account with another PESEL is refused too.
    let other = pesel("75120804355").hash(SECRET, edition.id);
    let twice = budget::cast(
        &db.db,
        edition.id,
        &other,
        Some(resident.id),
        Channel::Online,
        day(),
        &ballot,
    )
    .await;
    assert!(matches!(twice, Err(CastError::AlreadyVoted)), "{twice:?}");

    // More voters: the count follows the points.
    let declared = Identity::Declared {
        born: NaiveDate::from_ymd_opt(1990, 1, 2).unwrap(),
        name: "Anna  Nowak".into(),
    };
    let same_person = Identity::Declared {
        born: NaiveDate::from_ymd_opt(1990, 1, 2).unwrap(),
        name: "anna nowak".into(),
    };
    assert_eq!(
        declared.hash(SECRET, edition.id),
        same_person.hash(SECRET, edition.id)
    );
    budget::cast(
        &db.db,
        edition.id,
        &declared.hash(SECRET, edition.id),
        None,
        Channel::Online,
        day(),
        &marks(&pools, &projects, 2, [[4, 0, 1], [3, 2, 1]]),
    )
    .await
    .unwrap();
    budget::cast(
        &db.db,
        edition.id,
        &other,
        None,
        Channel::Online,
        day(),
        &marks(&pools, &projects, 1, [[4, 3, 0], [1, 0, 3]]),
    )
    .await
    .unwrap();
    assert_eq!(
        budget::ballot_totals(&db.db, edition.id).await.unwrap(),
        (3, 0)
    );

    // Stored ballots hold no identity and no time: random (v4) ids and the day.
    let rows = db
        .db
        .query_all_raw(sea_orm::Statement::from_string(
            db.db.get_database_backend(),
            "SELECT id, cast_on FROM budget_ballots".to_owned(),
        ))
        .await
        .unwrap();
    assert_eq!(rows.len(), 3);
    for row in rows {
        let id: uuid::Uuid = row.try_get("", "id").unwrap();
        assert_eq!(id.get_version_num(), 4);
        let on: NaiveDate = row.try_get("", "cast_on").unwrap();
        assert_eq!(on, day());
    }

    // No column of the ballot tables could name the voter or order the ballots.
    for (table, expected) in [
        (
            "budget_ballots",
            vec!["cast_on", "channel", "edition_id", "id"],
        ),
        (
            "budget_ballot_choices",
            vec!["ballot_id", "points", "pool_id", "project_id"],
        ),
    ] {
        let row = db
            .db
            .query_one_raw(sea_orm::Statement::from_string(
                db.db.get_database_backend(),
                format!("SELECT * FROM {table}"),
            ))
            .await
            .unwrap()
            .unwrap();
        let mut columns = row.column_names();
        columns.sort();
        assert_eq!(columns, expected, "{table}");
    }

    budget::count(&db.db, &edition).await.unwrap();
    let results = budget::results(&db.db, &edition).await.unwrap();
    assert_eq!(results.len(), 3);
    let city = &results[0];
    assert_eq!((city.online, city.paper), (3, 0));
    // City: no. 1 has 3+2+1 = 6 points, no. 5 has 3+3 = 6, no. 2 has 2+1 = 3, no. 4 has 2,
    // no. 3 has 1. Costs 20k, 30k, 40k, 50k, 60k of a 100k budget; the tie goes to the cheaper.
    let order: Vec<(u32, u64)> = city
        .rows
        .iter()
        .map(|r| (r.project.number, r.score))
        .collect();
    assert_eq!(order, [(1, 6), (5, 6), (2, 3), (4, 2), (3, 1)]);
    let funded: Vec<u32> = city
        .rows
        .iter()
        .filter(|r| r.funded)
        .map(|r| r.project.number)
        .collect();
    // 20k + 60k = 80k; then 30k, 50k and 40k no longer fit.
    assert_eq!(funded, [1, 5]);
    assert_eq!(city.spent, 80_000 * 100);
    assert_eq!(city.leftover(), 20_000 * 100);
    // District pools count only their own voters.
    assert_eq!(results[1].ballots(), 2);
    assert_eq!(results[2].ballots(), 1);

    // The anonymised export reads back and counts the same.
    let (election, _) = budget::election(&db.db, &edition, &pools[0]).await.unwrap();
    let text = miasto_tally::pabulib::write(&election);
    assert!(!text.contains(&hash));
    let parsed = miasto_tally::pabulib::parse(&text).unwrap();
    assert_eq!(parsed.ballots.len(), 3);
    let outcome = miasto_tally::greedy::greedy(&parsed, parsed.budget, &Default::default());
    let mut ids = parsed.ids_sorted(&outcome.funded);
    ids.sort();
    let mut expected: Vec<String> = city
        .rows
        .iter()
        .filter(|r| r.funded)
        .map(|r| r.project.code.clone())
        .collect();
    expected.sort();
    assert_eq!(ids, expected);
}

#[tokio::test]
async fn paper_ballots_count_when_two_people_key_them_the_same() {
    let db = TestDb::new().await;
    let (edition, pools, projects) = budget_edition(&db.db, "2026", true).await;
    let anna = user(&db, "anna@um.krakow.pl", Role::Operator).await;
    let jan = user(&db, "jan@um.krakow.pl", Role::Operator).await;
    let ewa = user(&db, "ewa@um.krakow.pl", Role::Official).await;
    let voter = pesel("44051401458").hash(SECRET, edition.id);
    let sheet = |number: &str, picks| Sheet {
        number: number.into(),
        point: "Urząd Miasta, pl. Wszystkich Świętych 3-4".into(),
        identity_hash: voter.clone(),
        marks: marks(&pools, &projects, 1, picks),
    };
    let key = |s: Sheet, by: &miasto_store::accounts::User| {
        let db = db.db.clone();
        let edition = edition.id;
        let by = by.id;
        async move {
            let tx = miasto_store::begin(&db).await.unwrap();
            let out = budget::key_paper(&tx, edition, &s, by, day())
                .await
                .unwrap();
            tx.commit().await.unwrap();
            out
        }
    };

    assert_eq!(
        key(sheet("P-1", [[0, 1, 2], [0, 1, 2]]), &anna).await,
        Keying::Waiting
    );
    assert_eq!(
        key(sheet("P-1", [[0, 1, 2], [0, 1, 2]]), &anna).await,
        Keying::SameKeyer
    );
    assert_eq!(
        budget::ballot_totals(&db.db, edition.id).await.unwrap(),
        (0, 0)
    );
    // Jan reads rank 2 and 3 the other way round: a mismatch, nothing counted.
    assert_eq!(
        key(sheet("P-1", [[0, 2, 1], [0, 1, 2]]), &jan).await,
        Keying::Mismatch
    );
    let open = budget::open_sheets(&db.db, edition.id).await.unwrap();
    assert_eq!(open.len(), 1);
    assert!(open[0].mismatch);
    assert_eq!(open[0].keyings, 2);
    // Ewa keys it a third time and agrees with Anna: counted, and the keyings forget the
    // voter and the choices.
    assert_eq!(
        key(sheet("P-1", [[0, 1, 2], [0, 1, 2]]), &ewa).await,
        Keying::Counted
    );
    assert_eq!(
        budget::ballot_totals(&db.db, edition.id).await.unwrap(),
        (0, 1)
    );
    assert!(
        budget::open_sheets(&db.db, edition.id)
            .await
            .unwrap()
            .is_empty()
    );
    let kept = db
        .db
        .query_all_raw(sea_orm::Statement::from_string(
            db.db.get_database_backend(),
            "SELECT identity_hash, content, status FROM budget_paper_entries".to_owned(),
        ))
        .await
        .unwrap();
    assert_eq!(kept.len(), 3);
    for row in kept {
        assert_eq!(
            row.try_get::<Option<String>>("", "identity_hash").unwrap(),
            None
        );
        assert_eq!(row.try_get::<Option<String>>("", "content").unwrap(), None);
        assert_eq!(row.try_get::<String>("", "status").unwrap(), "counted");
    }
    assert_eq!(
        key(sheet("P-1", [[0, 1, 2], [0, 1, 2]]), &jan).await,
        Keying::Settled
    );

    // The same person on a second sheet: both keyings agree, and the sheet is refused.
    assert_eq!(
        key(sheet("P-2", [[3, 1, 2], [0, 1, 2]]), &anna).await,
        Keying::Waiting
    );
    assert_eq!(
        key(sheet("P-2", [[3, 1, 2], [0, 1, 2]]), &jan).await,
        Keying::AlreadyVoted
    );
    assert_eq!(
        budget::ballot_totals(&db.db, edition.id).await.unwrap(),
        (0, 1)
    );
    assert_eq!(
        budget::settled_sheets(&db.db, edition.id).await.unwrap(),
        (1, 1)
    );

    budget::count(&db.db, &edition).await.unwrap();
    let results = budget::results(&db.db, &edition).await.unwrap();
    assert_eq!((results[0].online, results[0].paper), (0, 1));
}

#[tokio::test]
async fn a_burst_of_ballots_with_one_pesel_stores_exactly_one() {
    let db = TestDb::new().await;
    let (edition, pools, projects) = budget_edition(&db.db, "2026", true).await;
    let hash = pesel("44051401458").hash(SECRET, edition.id);
    let ballot = marks(&pools, &projects, 1, [[0, 1, 2], [0, 1, 2]]);
    let tasks: Vec<_> = (0..6)
        .map(|_| {
            let db = db.db.clone();
            let hash = hash.clone();
            let ballot = ballot.clone();
            let edition = edition.id;
            tokio::spawn(async move {
                let tx = miasto_store::begin(&db).await.unwrap();
                let out =
                    budget::cast(&tx, edition, &hash, None, Channel::Online, day(), &ballot).await;
                tx.commit().await.unwrap();
                out.is_ok()
            })
        })
        .collect();
    let mut stored = 0;
    for task in tasks {
        stored += usize::from(task.await.unwrap());
    }
    assert_eq!(stored, 1);
    assert_eq!(
        budget::ballot_totals(&db.db, edition.id).await.unwrap(),
        (1, 0)
    );
}
