//! The citizens' budget store on both engines: one person, one sealed ballot; paper ballots
//! double-keyed without keeping the choices; the count with the commission's shares, which
//! leaves no link between voters and ballots; and the rulebook enforced by conditional
//! writes, so a race or a stale page cannot undo a decision.

use crate::user;
use chrono::{Duration, NaiveDate};
use miasto_domain::Role;
use miasto_domain::budget::{Pesel, ProjectStatus, Refusal, Schedule, ScheduleError};
use miasto_domain::vote::shares::ShareError;
use miasto_domain::vote::{Channel, FoldedName, Identity, VoterKeys};
use miasto_store::budget::{
    self, BudgetError, CastError, Keying, Mark, OpenError, ScheduleChange, Sheet,
};
use miasto_store::clock::Clock;
use miasto_store::testing::{BudgetFixture, TEST_SECRET, TestDb, budget_edition};
use miasto_store::{ConnectionTrait, TransactionTrait};

const SECRET: &[u8] = TEST_SECRET.as_bytes();

fn name(raw: &str) -> FoldedName {
    FoldedName::parse(raw).unwrap()
}

fn pesel(raw: &str, who: &str) -> Identity {
    Identity::Pesel {
        pesel: Pesel::parse(raw).unwrap(),
        name: name(who),
    }
}

fn keys(fx: &BudgetFixture, identity: &Identity) -> VoterKeys {
    identity.keys(SECRET, fx.edition.id.0)
}

/// Kraków's ballot: three projects of `city` and three of the district pool, scored 3/2/1.
fn marks(fx: &BudgetFixture, district: usize, picks: [[usize; 3]; 2]) -> Vec<Mark> {
    let mut out = Vec::new();
    for (slot, pool) in [0, district].into_iter().enumerate() {
        for (rank, &p) in picks[slot].iter().enumerate() {
            out.push(Mark {
                pool: fx.pools[pool].id,
                project: fx.projects[pool][p].id,
                points: 3 - u16::try_from(rank).unwrap(),
            });
        }
    }
    out
}

async fn vote(
    db: &TestDb,
    fx: &BudgetFixture,
    voter: &VoterKeys,
    user: Option<miasto_domain::UserId>,
    ballot: &[Mark],
) -> Result<(), CastError> {
    budget::cast(
        &db.db,
        &fx.edition,
        voter,
        user,
        Channel::Online,
        ballot,
        SECRET,
    )
    .await
}

/// Moves the test's clock past the end of voting, so the count may begin.
fn after_voting(fx: &BudgetFixture) -> Clock {
    Clock::at(fx.edition.schedule.voting.1 + Duration::hours(1))
}

async fn open(
    db: &TestDb,
    fx: &BudgetFixture,
    shares: &[&str],
) -> Result<budget::Opened, OpenError> {
    let edition = budget::edition(&db.db, &fx.edition.slug).await?.unwrap();
    budget::open_and_count(&db.db, &edition, shares, None, SECRET, &|_| {}).await
}

async fn reload(db: &TestDb, fx: &BudgetFixture) -> budget::Edition {
    budget::edition(&db.db, &fx.edition.slug)
        .await
        .unwrap()
        .unwrap()
}

async fn raw_rows(db: &TestDb, sql: &str) -> Vec<sea_orm::QueryResult> {
    db.db
        .query_all_raw(sea_orm::Statement::from_string(
            db.db.get_database_backend(),
            sql.to_owned(),
        ))
        .await
        .unwrap()
}

#[tokio::test]
async fn one_person_one_sealed_ballot_by_any_route_counted_with_the_commissions_shares() {
    let db = TestDb::new().await;
    let fx = budget_edition(&db.db, "2026", true).await;
    let resident = user(&db, "glosujaca@example.pl", Role::Resident).await;
    let jan = pesel("44051401458", "Jan Kowalski");
    let jan_keys = keys(&fx, &jan);
    let ballot = marks(&fx, 1, [[0, 1, 2], [0, 1, 2]]);
    vote(&db, &fx, &jan_keys, Some(resident.id), &ballot)
        .await
        .unwrap();
    assert!(
        budget::has_voted(&db.db, fx.edition.id, resident.id)
            .await
            .unwrap()
    );
    assert!(
        budget::identity_voted(&db.db, fx.edition.id, &jan_keys)
            .await
            .unwrap()
    );

    // The same PESEL again, even without an account, is refused, and the refusal leaves the
    // caller's transaction usable (PostgreSQL aborts on errors).
    let tx = db.db.begin().await.unwrap();
    let again = budget::cast(
        &tx,
        &fx.edition,
        &jan_keys,
        None,
        Channel::Online,
        &ballot,
        SECRET,
    )
    .await;
    assert!(matches!(again, Err(CastError::AlreadyVoted)), "{again:?}");
    assert_eq!(budget::voter_count(&tx, fx.edition.id).await.unwrap(), 1);
    tx.commit().await.unwrap();
    // The date-of-birth route is closed to him, however he types his name.
    for typed in [
        "Jan Kowalski",
        "JAN  KOWALSKI",
        "Kowalski Jan-",
        "Jan Kowalski-",
    ] {
        let declared = Identity::Declared {
            born: NaiveDate::from_ymd_opt(1944, 5, 14).unwrap(),
            name: name(typed),
        };
        let refused = vote(&db, &fx, &keys(&fx, &declared), None, &ballot).await;
        assert!(
            matches!(refused, Err(CastError::AlreadyVoted)),
            "{typed}: {refused:?}"
        );
    }
    // The same account with another PESEL is refused too.
    let other = keys(&fx, &pesel("75120804355", "Ewa Nowak"));
    let twice = vote(&db, &fx, &other, Some(resident.id), &ballot).await;
    assert!(matches!(twice, Err(CastError::AlreadyVoted)), "{twice:?}");
    // A person without a PESEL votes once, by date of birth and name.
    let anna = Identity::Declared {
        born: NaiveDate::from_ymd_opt(1990, 1, 2).unwrap(),
        name: name("Anna  Nowak"),
    };
    vote(
        &db,
        &fx,
        &keys(&fx, &anna),
        None,
        &marks(&fx, 2, [[4, 0, 1], [3, 2, 1]]),
    )
    .await
    .unwrap();
    let anna_again = Identity::Declared {
        born: NaiveDate::from_ymd_opt(1990, 1, 2).unwrap(),
        name: name("nowak anna"),
    };
    assert!(matches!(
        vote(&db, &fx, &keys(&fx, &anna_again), None, &ballot).await,
        Err(CastError::AlreadyVoted)
    ));
    vote(
        &db,
        &fx,
        &other,
        None,
        &marks(&fx, 1, [[4, 3, 0], [1, 0, 3]]),
    )
    .await
    .unwrap();
    assert_eq!(budget::voter_count(&db.db, fx.edition.id).await.unwrap(), 3);
    assert_eq!(
        budget::envelope_count(&db.db, fx.edition.id).await.unwrap(),
        3
    );

    // Until the count there are envelopes, not ballots: nothing in the database names a
    // project a voter chose.
    assert_eq!(
        budget::ballot_totals(&db.db, fx.edition.id)
            .await
            .unwrap()
            .all(),
        0
    );
    assert!(
        raw_rows(&db, "SELECT * FROM budget_ballot_choices")
            .await
            .is_empty()
    );
    let columns = raw_rows(&db, "SELECT * FROM ballot_box_envelopes").await[0].column_names();
    let mut columns = columns;
    columns.sort();
    assert_eq!(columns, ["box_id", "id", "mac", "sealed"]);

    // Counting waits for the end of voting.
    let early = open(&db, &fx, &fx.enough_shares()).await;
    assert!(
        matches!(early, Err(OpenError::Refused(Refusal::Stale))),
        "{early:?}"
    );
    let clock = after_voting(&fx);
    clock
        .run(async {
            // One share is not enough (two of three open the key).
            let one = open(&db, &fx, &fx.enough_shares()[..1]).await;
            assert!(
                matches!(
                    one,
                    Err(OpenError::Shares(ShareError::TooFew { have: 1, need: 2 }))
                ),
                "{one:?}"
            );
            let opened = open(&db, &fx, &[&fx.shares[2], &fx.shares[0]])
                .await
                .unwrap();
            assert_eq!(opened.ballots, 3);
            // Envelopes are gone; ballots are written with a random id and the channel only.
            assert_eq!(
                budget::envelope_count(&db.db, fx.edition.id).await.unwrap(),
                0
            );
            let rows = raw_rows(&db, "SELECT * FROM budget_ballots").await;
            assert_eq!(rows.len(), 3);
            let mut columns = rows[0].column_names();
            columns.sort();
            assert_eq!(columns, ["channel", "edition_id", "id"]);
            for row in rows {
                let id: uuid::Uuid = row.try_get("", "id").unwrap();
                assert_eq!(id.get_version_num(), 4);
            }
            // Opening twice is refused: the envelopes are gone.
            assert!(matches!(
                open(&db, &fx, &fx.enough_shares()).await,
                Err(OpenError::Refused(_))
            ));
            // No vote gets in after the count began.
            let late = pesel("02070803628", "Ola Lis");
            let edition = reload(&db, &fx).await;
            let refused = budget::cast(
                &db.db,
                &edition,
                &keys(&fx, &late),
                None,
                Channel::Paper,
                &ballot,
                SECRET,
            )
            .await;
            assert!(matches!(refused, Err(CastError::Refused(_))), "{refused:?}");

            let edition = reload(&db, &fx).await;
            // Nothing shows before publication, officials included.
            assert!(budget::results(&db.db, &edition).await.unwrap().is_empty());
            assert_eq!(
                budget::pabulib(&db.db, &edition, &fx.pools[0])
                    .await
                    .unwrap(),
                None
            );
            let stored = budget::stored_results(&db.db, &edition).await.unwrap();
            let city = &stored[0];
            assert_eq!((city.online, city.paper), (3, 0));
            // City: no. 1 has 3+2+1 = 6 points, no. 5 has 3+3 = 6, no. 2 has 2+1 = 3, no. 4
            // has 2, no. 3 has 1. Costs 20k…60k of a 100k budget; the tie goes to the cheaper.
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
            assert_eq!(funded, [1, 5]);
            assert_eq!(stored[1].ballots(), 2);
            assert_eq!(stored[2].ballots(), 1);

            budget::publish(&db.db, edition.id).await.unwrap();
            let edition = reload(&db, &fx).await;
            assert_eq!(budget::results(&db.db, &edition).await.unwrap(), stored);
            // The anonymised export reads back and counts the same.
            let text = budget::pabulib(&db.db, &edition, &fx.pools[0])
                .await
                .unwrap()
                .unwrap();
            assert!(!text.contains(&jan_keys.primary));
            let parsed = miasto_tally::pabulib::parse(&text).unwrap();
            assert_eq!(parsed.ballots.len(), 3);
            let outcome = miasto_tally::greedy::greedy(&parsed, parsed.budget, &Default::default());
            let mut ids = parsed.ids_sorted(&outcome.funded);
            ids.sort();
            assert_eq!(ids, ["BO.CITY.1/2026", "BO.CITY.5/2026"]);
            // Published results do not change silently: a correction needs a reason and is
            // recorded with it.
            assert!(budget::publish(&db.db, edition.id).await.is_err());
            budget::recount(&db.db, &edition, None, Some("Błąd w oprogramowaniu"))
                .await
                .unwrap();
            let counts = budget::counts(&db.db, edition.id).await.unwrap();
            assert_eq!(counts.len(), 2);
            assert_eq!(counts[1].reason.as_deref(), Some("Błąd w oprogramowaniu"));
            assert!(matches!(
                budget::recount(&db.db, &edition, None, None).await,
                Err(BudgetError::Refused(Refusal::Stale))
            ));
        })
        .await;
}

#[tokio::test]
async fn shares_are_checked_one_by_one_and_a_wrong_one_is_named() {
    let db = TestDb::new().await;
    let fx = budget_edition(&db.db, "2026", false).await;
    let other = budget_edition(&db.db, "2027", false).await;
    let mut forged = fx.shares[1].clone().into_bytes();
    let at = 30;
    forged[at] = if forged[at] == b'A' { b'B' } else { b'A' };
    let typo = String::from_utf8(forged).unwrap();
    let cases: [(Vec<&str>, ShareError); 4] = [
        (vec![&fx.shares[0], &typo], ShareError::Garbled { entry: 2 }),
        (
            vec![&other.shares[0], &fx.shares[1]],
            ShareError::OtherEdition { entry: 1 },
        ),
        (
            vec![&fx.shares[0], &fx.shares[0]],
            ShareError::Repeated { entry: 2 },
        ),
        (vec![&fx.shares[2]], ShareError::TooFew { have: 1, need: 2 }),
    ];
    for (entries, expected) in cases {
        let result = open(&db, &fx, &entries).await;
        assert!(
            matches!(&result, Err(OpenError::Shares(e)) if *e == expected),
            "{expected:?}: {result:?}"
        );
    }
    assert_eq!(
        open(&db, &fx, &fx.enough_shares()).await.unwrap().ballots,
        0
    );
}

#[tokio::test]
async fn paper_ballots_count_when_two_people_key_them_the_same_and_no_keying_keeps_the_choices() {
    let db = TestDb::new().await;
    let fx = budget_edition(&db.db, "2026", true).await;
    let anna = user(&db, "anna@um.krakow.pl", Role::Operator).await;
    let jan = user(&db, "jan@um.krakow.pl", Role::Operator).await;
    let ewa = user(&db, "ewa@um.krakow.pl", Role::Official).await;
    let voter = keys(&fx, &pesel("44051401458", "Jan Kowalski"));
    let sheet = |number: &str, picks| Sheet {
        number: number.into(),
        point: "Urząd Miasta, pl. Wszystkich Świętych 3-4".into(),
        keys: voter.clone(),
        marks: marks(&fx, 1, picks),
    };
    let key = |s: Sheet, by: &miasto_store::accounts::User| {
        let db = db.db.clone();
        let by = by.id;
        let edition = fx.edition.clone();
        async move {
            let tx = miasto_store::begin(&db).await.unwrap();
            let out = budget::key_paper(&tx, &edition, &s, by, SECRET)
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
    // A waiting keying holds keyed hashes, never the choices or the identity key.
    for row in raw_rows(&db, "SELECT identity_hash, content FROM ballot_box_paper").await {
        let content: String = row.try_get("", "content").unwrap();
        let who: String = row.try_get("", "identity_hash").unwrap();
        assert_eq!(content.len(), 64);
        assert_ne!(who, voter.primary);
        for p in &fx.projects[0] {
            assert!(!content.contains(&p.id.to_string()));
        }
    }
    // Jan reads rank 2 and 3 the other way round: a mismatch, nothing stored.
    assert_eq!(
        key(sheet("P-1", [[0, 2, 1], [0, 1, 2]]), &jan).await,
        Keying::Mismatch
    );
    let open_sheets = budget::open_sheets(&db.db, fx.edition.id).await.unwrap();
    assert_eq!(open_sheets.len(), 1);
    assert!(open_sheets[0].mismatch);
    assert_eq!(open_sheets[0].keyings, 2);
    // Ewa keys it a third time and agrees with Anna: sealed, and the keyings forget it all.
    assert_eq!(
        key(sheet("P-1", [[0, 1, 2], [0, 1, 2]]), &ewa).await,
        Keying::Counted
    );
    assert_eq!(
        budget::envelope_count(&db.db, fx.edition.id).await.unwrap(),
        1
    );
    assert!(
        budget::open_sheets(&db.db, fx.edition.id)
            .await
            .unwrap()
            .is_empty()
    );
    let kept = raw_rows(
        &db,
        "SELECT identity_hash, content, status FROM ballot_box_paper",
    )
    .await;
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
        budget::settled_sheets(&db.db, fx.edition.id).await.unwrap(),
        (1, 1)
    );
    // Two sheets keyed once each, at two points: still waiting when the count begins.
    let mut lonely = sheet("P-3", [[2, 1, 0], [3, 1, 0]]);
    lonely.keys = keys(&fx, &pesel("75120804355", "Ewa Nowak"));
    key(lonely.clone(), &anna).await;
    lonely.number = "P-4".into();
    lonely.point = "Nowa Huta".into();
    key(lonely, &anna).await;

    let clock = after_voting(&fx);
    clock
        .run(async {
            open(&db, &fx, &fx.enough_shares()).await.unwrap();
            // Sheets still open lose their hashes and are only counted, per voting point.
            for row in raw_rows(&db, "SELECT identity_hash, content FROM ballot_box_paper").await {
                assert_eq!(
                    row.try_get::<Option<String>>("", "identity_hash").unwrap(),
                    None
                );
                assert_eq!(row.try_get::<Option<String>>("", "content").unwrap(), None);
            }
            assert_eq!(
                budget::sheets_not_entered(&db.db, fx.edition.id)
                    .await
                    .unwrap(),
                [
                    ("Nowa Huta".to_owned(), 1),
                    ("Urząd Miasta, pl. Wszystkich Świętych 3-4".to_owned(), 1)
                ]
            );
            // Paper keying is closed once the envelopes are opened.
            let edition = reload(&db, &fx).await;
            let tx = miasto_store::begin(&db.db).await.unwrap();
            let late = budget::key_paper(
                &tx,
                &edition,
                &sheet("P-9", [[0, 1, 2], [0, 1, 2]]),
                jan.id,
                SECRET,
            )
            .await;
            assert!(
                matches!(late, Err(CastError::Refused(Refusal::Stale))),
                "{late:?}"
            );
            drop(tx);
            let stored = budget::stored_results(&db.db, &edition).await.unwrap();
            assert_eq!((stored[0].online, stored[0].paper), (0, 1));
        })
        .await;
}

#[tokio::test]
async fn a_burst_of_ballots_with_one_pesel_stores_exactly_one() {
    let db = TestDb::new().await;
    let fx = budget_edition(&db.db, "2026", true).await;
    let voter = keys(&fx, &pesel("44051401458", "Jan Kowalski"));
    let ballot = marks(&fx, 1, [[0, 1, 2], [0, 1, 2]]);
    let tasks: Vec<_> = (0..6)
        .map(|_| {
            let db = db.db.clone();
            let voter = voter.clone();
            let ballot = ballot.clone();
            let edition = fx.edition.clone();
            tokio::spawn(async move {
                let tx = miasto_store::begin(&db).await.unwrap();
                let out = budget::cast(
                    &tx,
                    &edition,
                    &voter,
                    None,
                    Channel::Online,
                    &ballot,
                    SECRET,
                )
                .await;
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
        budget::envelope_count(&db.db, fx.edition.id).await.unwrap(),
        1
    );
}

/// Voters whose choices are known to the test: ballot `i` gives the city pool's projects a
/// distinct ranking, so each voter's ballot is recognisable after the count.
fn rankings() -> Vec<[usize; 3]> {
    let mut out = Vec::new();
    for a in 0..5 {
        for b in 0..5 {
            for c in 0..5 {
                if a != b && b != c && a != c {
                    out.push([a, b, c]);
                }
            }
        }
    }
    out
}

#[tokio::test]
async fn after_the_count_no_ballot_can_be_linked_to_its_voter_by_row_order_or_transaction() {
    let db = TestDb::new().await;
    let fx = budget_edition(&db.db, "2026", true).await;
    let voters = 30;
    let mut truth = Vec::new();
    for (i, ranking) in rankings().into_iter().take(voters).enumerate() {
        let who = user(&db, &format!("v{i}@example.pl"), Role::Resident).await;
        let identity = Identity::Declared {
            born: NaiveDate::from_ymd_opt(1970, 1, 1).unwrap() + Duration::days(i as i64),
            name: name(&format!(
                "Osoba Numer {}",
                "abcdefghijklmnopqrstuvwxyzabcd".chars().nth(i).unwrap()
            )),
        };
        vote(
            &db,
            &fx,
            &keys(&fx, &identity),
            Some(who.id),
            &marks(&fx, 1, [ranking, [0, 1, 2]]),
        )
        .await
        .unwrap();
        truth.push((who.id, ranking));
    }
    // The city part of each ballot, as project numbers ranked, by ballot id.
    let city_number = |project: uuid::Uuid| {
        fx.projects[0]
            .iter()
            .position(|p| p.id.0 == project)
            .unwrap()
    };
    let expected: Vec<(uuid::Uuid, [usize; 3])> = truth.iter().map(|(u, r)| (u.0, *r)).collect();
    after_voting(&fx)
        .run(async { open(&db, &fx, &fx.enough_shares()).await.unwrap() })
        .await;
    let ballots_of = |rows: Vec<sea_orm::QueryResult>| -> Vec<(uuid::Uuid, [usize; 3])> {
        // (ballot id, project, points) rows → the ranking per ballot.
        let mut by: std::collections::BTreeMap<uuid::Uuid, [usize; 3]> = Default::default();
        for row in rows {
            let ballot: uuid::Uuid = row.try_get("", "ballot_id").unwrap();
            let project: uuid::Uuid = row.try_get("", "project_id").unwrap();
            let points: i32 = row.try_get("", "points").unwrap();
            by.entry(ballot).or_default()[usize::try_from(3 - points).unwrap()] =
                city_number(project);
        }
        by.into_iter().collect()
    };
    let city = fx.pools[0].id.0;
    let engine = db.db.get_database_backend();
    // The physical order of ballots (and of their choices) against the order of voters: a
    // random permutation, so at most a few of 30 can coincide.
    let (voter_order, ballot_order) = if engine == sea_orm::DbBackend::Postgres {
        (
            "SELECT user_id FROM ballot_box_voters WHERE NOT alias ORDER BY ctid",
            format!(
                "SELECT b.id AS ballot_id, c.project_id, c.points FROM budget_ballots b JOIN budget_ballot_choices c ON c.ballot_id = b.id WHERE c.pool_id = '{city}' ORDER BY b.ctid, c.ctid"
            ),
        )
    } else {
        (
            "SELECT user_id FROM ballot_box_voters WHERE NOT alias",
            format!(
                "SELECT b.id AS ballot_id, c.project_id, c.points FROM budget_ballots b JOIN budget_ballot_choices c ON c.ballot_id = b.id WHERE c.pool_id = X'{}'",
                city.simple()
            ),
        )
    };
    let voter_rows: Vec<uuid::Uuid> = raw_rows(&db, voter_order)
        .await
        .into_iter()
        .map(|r| r.try_get("", "user_id").unwrap())
        .collect();
    // Ballots in their stored order (the first appearance of each ballot id).
    let mut seen = Vec::new();
    for row in raw_rows(&db, &ballot_order).await {
        let id: uuid::Uuid = row.try_get("", "ballot_id").unwrap();
        if !seen.contains(&id) {
            seen.push(id);
        }
    }
    let rankings_by_ballot: std::collections::HashMap<uuid::Uuid, [usize; 3]> =
        ballots_of(raw_rows(&db, &ballot_order).await)
            .into_iter()
            .collect();
    assert_eq!(seen.len(), voters);
    assert_eq!(voter_rows.len(), voters);
    let coinciding = voter_rows
        .iter()
        .zip(&seen)
        .filter(|(voter, ballot)| {
            let real = expected.iter().find(|(u, _)| u == *voter).unwrap().1;
            rankings_by_ballot[ballot] == real
        })
        .count();
    assert!(
        coinciding < 10,
        "{coinciding} of {voters} ballots sit where their voters do"
    );
    // Every ballot is there, exactly as cast.
    let mut got: Vec<[usize; 3]> = rankings_by_ballot.values().copied().collect();
    let mut want: Vec<[usize; 3]> = expected.iter().map(|(_, r)| *r).collect();
    got.sort();
    want.sort();
    assert_eq!(got, want);

    if engine == sea_orm::DbBackend::Postgres {
        // Rows written by one transaction share `xmin`: the ballots and their choices were
        // written by the count, never with a voter.
        for sql in [
            "SELECT count(*) AS n FROM ballot_box_voters v JOIN budget_ballots b ON b.xmin::text = v.xmin::text",
            "SELECT count(*) AS n FROM ballot_box_voters v JOIN budget_ballot_choices c ON c.xmin::text = v.xmin::text",
        ] {
            let n: i64 = raw_rows(&db, sql).await[0].try_get("", "n").unwrap();
            assert_eq!(n, 0, "{sql}");
        }
        // Rows at the same place in their tables' pages: no more true pairs than chance gives.
        let same_place = raw_rows(
            &db,
            "SELECT v.user_id, b.id AS ballot_id FROM ballot_box_voters v JOIN budget_ballots b ON b.ctid = v.ctid WHERE NOT v.alias",
        )
        .await;
        let true_pairs = same_place
            .iter()
            .filter(|row| {
                let voter: uuid::Uuid = row.try_get("", "user_id").unwrap();
                let ballot: uuid::Uuid = row.try_get("", "ballot_id").unwrap();
                let real = expected.iter().find(|(u, _)| *u == voter).unwrap().1;
                rankings_by_ballot[&ballot] == real
            })
            .count();
        assert!(!same_place.is_empty(), "the ctid join pairs rows up");
        assert!(true_pairs < 10, "{true_pairs} true pairs by ctid");
        let xmins: i64 = raw_rows(
            &db,
            "SELECT count(DISTINCT xmin::text) AS n FROM budget_ballots",
        )
        .await[0]
            .try_get("", "n")
            .unwrap();
        assert_eq!(xmins, 1, "all ballots were written by one transaction");
    }
}

#[tokio::test]
async fn a_vote_leaves_no_plaintext_choice_in_the_sqlite_write_ahead_log() {
    let db = TestDb::new().await;
    let Some(file) = db.sqlite_file() else {
        return; // PostgreSQL: its write-ahead log is the server's (see the xmin test).
    };
    let fx = budget_edition(&db.db, "2026", true).await;
    raw_rows(&db, "PRAGMA wal_checkpoint(TRUNCATE)").await;
    let wal = file.with_file_name("test.db-wal");
    assert_eq!(std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0), 0);
    let voter = keys(&fx, &pesel("44051401458", "Jan Kowalski"));
    let ballot = marks(&fx, 1, [[4, 2, 0], [3, 1, 0]]);
    vote(&db, &fx, &voter, None, &ballot).await.unwrap();
    let frames = std::fs::read(&wal).unwrap();
    // The frames hold the vote (the voter's key is there in the clear)…
    let contains = |needle: &[u8]| frames.windows(needle.len()).any(|w| w == needle);
    assert!(
        contains(voter.primary.as_bytes()),
        "the log holds this vote's frames"
    );
    // …but no project chosen, in any form a project id is written.
    for mark in &ballot {
        let id = mark.project.0;
        assert!(!contains(id.as_bytes()), "project {id} as bytes");
        assert!(!contains(id.to_string().as_bytes()), "project {id} as text");
        assert!(
            !contains(id.simple().to_string().as_bytes()),
            "project {id} as hex"
        );
    }
    // After the count the log is emptied, and the deleted envelopes are overwritten: the
    // database file no longer holds the sealed bytes (which sat next to the voter row).
    let sealed: Vec<u8> = raw_rows(&db, "SELECT sealed FROM ballot_box_envelopes").await[0]
        .try_get("", "sealed")
        .unwrap();
    raw_rows(&db, "PRAGMA wal_checkpoint(TRUNCATE)").await;
    let in_file = |needle: &[u8]| {
        let bytes = std::fs::read(&file).unwrap();
        bytes.windows(needle.len()).any(|w| w == needle)
    };
    assert!(
        in_file(&sealed[..48]),
        "the envelope is in the file before the count"
    );
    let opened = after_voting(&fx)
        .run(async { open(&db, &fx, &fx.enough_shares()).await.unwrap() })
        .await;
    assert!(opened.log_truncated);
    assert_eq!(std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0), 0);
    assert!(
        !in_file(&sealed[..48]),
        "the deleted envelope is overwritten"
    );
}

#[tokio::test]
async fn decisions_are_conditional_on_the_status_seen_and_the_phase() {
    let db = TestDb::new().await;
    let fx = budget_edition(&db.db, "2026", true).await;
    let author = user(&db, "autor@example.pl", Role::Resident).await;
    let edition = fx.edition.clone();
    let day = Duration::days(1);
    let submission = edition.schedule.submission.0 + day;
    let verification = edition.schedule.submission.1 + day;
    let new = budget::NewProject {
        pool: fx.pools[0].id,
        code: None,
        author: Some(author.id),
        title: "Park".into(),
        summary: "Opis".into(),
        description: "Opis".into(),
        location: "Kraków".into(),
        point: None,
        category: "greenery".into(),
        items: vec![budget::CostItem {
            description: "Drzewa".into(),
            amount: 5_000_000,
        }],
        status: ProjectStatus::Accepted,
    };
    // Submissions are open only in their window; a submitted project starts as submitted.
    let refused = budget::submit_project(&db.db, &edition, &new).await;
    assert!(
        matches!(refused, Err(BudgetError::Refused(Refusal::Stale))),
        "{refused:?}"
    );
    let project = Clock::at(submission)
        .run(budget::submit_project(&db.db, &edition, &new))
        .await
        .unwrap();
    assert_eq!(project.status, ProjectStatus::Submitted);

    Clock::at(verification)
        .run(async {
            // An official decides from the status they saw; the author withdraws meanwhile;
            // the decision is refused and the withdrawal stands.
            budget::withdraw(&db.db, project.id, author.id)
                .await
                .unwrap();
            let late = budget::decide(
                &db.db,
                project.id,
                ProjectStatus::Submitted,
                ProjectStatus::Accepted,
            )
            .await;
            assert!(
                matches!(late, Err(BudgetError::Refused(Refusal::Stale))),
                "{late:?}"
            );
            let stored = budget::project_by_id(&db.db, project.id)
                .await
                .unwrap()
                .unwrap();
            assert_eq!(stored.status, ProjectStatus::Withdrawn);
            // Withdrawal is final.
            assert!(matches!(
                budget::decide(
                    &db.db,
                    project.id,
                    ProjectStatus::Withdrawn,
                    ProjectStatus::Accepted
                )
                .await,
                Err(BudgetError::Refused(Refusal::Status))
            ));
        })
        .await;

    // During voting nothing on the ballot changes: not a cost, not a decision, not an appeal.
    let on_ballot = fx.projects[0][0].id;
    let assessment = budget::Assessment {
        stage: budget::Stage::Merit,
        positive: true,
        justification: "Korekta".into(),
        corrected_cost: Some(100),
        unit: None,
        by: None,
        at: miasto_store::now(),
    };
    assert!(matches!(
        budget::assess(&db.db, on_ballot, &assessment).await,
        Err(BudgetError::Refused(Refusal::Stale))
    ));
    assert!(matches!(
        budget::decide(
            &db.db,
            on_ballot,
            ProjectStatus::Accepted,
            ProjectStatus::Rejected
        )
        .await,
        Err(BudgetError::Refused(Refusal::Stale))
    ));
    assert!(matches!(
        budget::withdraw(&db.db, on_ballot, author.id).await,
        Err(BudgetError::Refused(Refusal::Stale))
    ));
    let stored = budget::project_by_id(&db.db, on_ballot)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (stored.final_cost(), stored.status),
        (20_000 * 100, ProjectStatus::Accepted)
    );
    assert!(
        budget::assessments(&db.db, on_ballot)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn the_schedule_cannot_reopen_a_phase_that_has_effects() {
    let db = TestDb::new().await;
    let fx = budget_edition(&db.db, "2026", true).await;
    let s = fx.edition.schedule;
    let day = Duration::days(1);
    let moved = |voting: (i32, i32)| {
        Schedule::new(
            s.submission,
            s.appeals,
            (s.voting.0 + day * voting.0, s.voting.1 + day * voting.1),
        )
        .unwrap()
    };
    // Voting has opened: its opening is fixed; its close may move later.
    let result = budget::set_schedule(&db.db, &fx.edition, &moved((1, 0)), None).await;
    assert!(
        matches!(
            result,
            Err(ScheduleChange::Schedule(ScheduleError::PastFixed))
        ),
        "{result:?}"
    );
    budget::set_schedule(&db.db, &fx.edition, &moved((0, 3)), None)
        .await
        .unwrap();
    // A second official working from the old page loses the race instead of overwriting.
    let stale = budget::set_schedule(&db.db, &fx.edition, &moved((0, 1)), None).await;
    assert!(
        matches!(
            stale,
            Err(ScheduleChange::Budget(BudgetError::Refused(Refusal::Stale)))
        ),
        "{stale:?}"
    );
    let edition = reload(&db, &fx).await;
    assert_eq!(edition.schedule, moved((0, 3)));
    // After voting, and once the count began, voting does not reopen.
    let clock = Clock::at(edition.schedule.voting.1 + Duration::hours(1));
    clock
        .run(async {
            let reopen =
                Schedule::new(s.submission, s.appeals, (s.voting.0, s.voting.1 + day * 30))
                    .unwrap();
            assert!(
                budget::set_schedule(&db.db, &edition, &reopen, None)
                    .await
                    .is_err()
            );
            budget::open_and_count(&db.db, &edition, &fx.enough_shares(), None, SECRET, &|_| {})
                .await
                .unwrap();
            let edition = reload(&db, &fx).await;
            let same = edition.schedule;
            let unchanged = budget::set_schedule(&db.db, &edition, &same, None).await;
            assert!(
                matches!(unchanged, Err(ScheduleChange::Budget(_))),
                "{unchanged:?}"
            );
        })
        .await;
}

#[tokio::test]
async fn publication_needs_a_count_that_includes_every_ballot() {
    let db = TestDb::new().await;
    let fx = budget_edition(&db.db, "2026", true).await;
    vote(
        &db,
        &fx,
        &keys(&fx, &pesel("44051401458", "Jan Kowalski")),
        None,
        &marks(&fx, 1, [[0, 1, 2], [0, 1, 2]]),
    )
    .await
    .unwrap();
    after_voting(&fx)
        .run(async {
            // Not counted: nothing to publish.
            assert!(matches!(
                budget::publish(&db.db, fx.edition.id).await,
                Err(BudgetError::Refused(Refusal::Stale))
            ));
            open(&db, &fx, &fx.enough_shares()).await.unwrap();
            // A ballot that appears after the count (written around the store, as only someone
            // with the database could) stops publication until a recount includes it.
            let ballot = uuid::Uuid::new_v4();
            let insert = format!(
                "INSERT INTO budget_ballots (id, edition_id, channel) VALUES ({}, {}, 'paper')",
                literal(&db, ballot),
                literal(&db, fx.edition.id.0)
            );
            raw_rows(&db, &insert).await;
            assert!(matches!(
                budget::publish(&db.db, fx.edition.id).await,
                Err(BudgetError::Refused(Refusal::Stale))
            ));
            let edition = reload(&db, &fx).await;
            budget::recount(&db.db, &edition, None, None).await.unwrap();
            budget::publish(&db.db, fx.edition.id).await.unwrap();
        })
        .await;
}

/// A uuid literal in the engine's SQL.
fn literal(db: &TestDb, id: uuid::Uuid) -> String {
    if db.db.get_database_backend() == sea_orm::DbBackend::Postgres {
        format!("'{id}'")
    } else {
        format!("X'{}'", id.simple())
    }
}

/// A small deterministic generator (SplitMix64), so a failing case can be replayed.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        (z ^ (z >> 31)) % n
    }
}

#[tokio::test]
async fn the_sealed_count_finds_the_winners_the_plaintext_count_of_the_same_ballots_finds() {
    for seed in 0..4u64 {
        let db = TestDb::new().await;
        let fx = budget_edition(&db.db, "2026", true).await;
        let mut rng = Rng(seed);
        let all = rankings();
        let n = 5 + rng.below(20);
        let mut plain: Vec<Vec<Mark>> = Vec::new();
        for i in 0..n {
            let district = 1 + usize::try_from(rng.below(2)).unwrap();
            let city = all[usize::try_from(rng.below(all.len() as u64)).unwrap()];
            let mut local = all[usize::try_from(rng.below(all.len() as u64)).unwrap()];
            for p in &mut local {
                *p %= 4;
            }
            if local[0] == local[1] || local[1] == local[2] || local[0] == local[2] {
                local = [0, 1, 2];
            }
            let ballot = marks(&fx, district, [city, local]);
            let identity = Identity::Declared {
                born: NaiveDate::from_ymd_opt(1980, 1, 1).unwrap() + Duration::days(i as i64),
                name: name("Anna Nowak"),
            };
            vote(&db, &fx, &keys(&fx, &identity), None, &ballot)
                .await
                .unwrap();
            plain.push(ballot);
        }
        let edition = after_voting(&fx)
            .run(async {
                open(&db, &fx, &fx.enough_shares()).await.unwrap();
                reload(&db, &fx).await
            })
            .await;
        let stored = budget::stored_results(&db.db, &edition).await.unwrap();
        for (p, pool) in fx.pools.iter().enumerate() {
            // The plaintext count: the same ballots, counted directly.
            let projects = &fx.projects[p];
            let ballots: Vec<miasto_tally::Ballot> = plain
                .iter()
                .enumerate()
                .filter_map(|(v, b)| {
                    let mut mine: Vec<&Mark> = b.iter().filter(|m| m.pool == pool.id).collect();
                    mine.sort_by_key(|m| std::cmp::Reverse(m.points));
                    (!mine.is_empty()).then(|| miasto_tally::Ballot {
                        voter_id: v.to_string(),
                        choices: mine
                            .iter()
                            .map(|m| projects.iter().position(|x| x.id == m.project).unwrap())
                            .collect(),
                        points: None,
                        fields: vec![v.to_string(), String::new()],
                    })
                })
                .collect();
            let election = miasto_tally::Election {
                meta: vec![("max_length".into(), "3".into())],
                budget: miasto_tally::Amount::from_hundredths(pool.budget),
                vote_type: miasto_tally::VoteType::Ordinal,
                project_columns: vec!["project_id".into(), "cost".into()],
                projects: projects
                    .iter()
                    .map(|x| miasto_tally::Project {
                        id: x.code.clone(),
                        cost: miasto_tally::Amount::from_hundredths(x.final_cost()),
                        fields: vec![x.code.clone(), String::new()],
                    })
                    .collect(),
                vote_columns: vec!["voter_id".into(), "vote".into()],
                ballots,
            };
            let outcome =
                miasto_tally::greedy::greedy(&election, election.budget, &Default::default());
            let mut expected = election.ids_sorted(&outcome.funded);
            expected.sort();
            let mut funded: Vec<String> = stored[p]
                .rows
                .iter()
                .filter(|r| r.funded)
                .map(|r| r.project.code.clone())
                .collect();
            funded.sort();
            assert_eq!(funded, expected, "seed {seed}, pool {}", pool.code);
        }
    }
}

/// Migration 37 moves a budget's vote into the shared ballot box: the voters, the sealed
/// envelope (still signed and still opening with the key), the commission's waiting share and
/// a paper keying waiting for its second keying — which still agrees after the move.
#[tokio::test]
async fn votes_cast_before_the_ballot_box_survive_the_move_into_it() {
    use miasto_domain::vote::{BallotContent, OpeningKey, envelope_mac, shares};
    let db = TestDb::at_migration(36).await;
    let now = chrono::Utc::now();
    let edition = uuid::Uuid::now_v7();
    let key = OpeningKey::generate();
    let public = key.public();
    let share = shares::split(&key, 1, 1).remove(0);
    let member = user(&db, "komisja@um.krakow.pl", Role::Official).await.id;
    let mut row = vec![
        ("id", edition.into()),
        ("slug", "2024".into()),
        ("name_pl", "Budżet 2024".into()),
        ("name_en", "Budget 2024".into()),
        ("allow_without_pesel", false.into()),
        ("created_at", now.into()),
        ("ballot_key", public.to_hex().into()),
        ("key_threshold", 1.into()),
    ];
    for (column, days) in [
        ("submission_opens_at", -40),
        ("submission_closes_at", -30),
        ("appeals_opens_at", -25),
        ("appeals_closes_at", -20),
        ("voting_opens_at", -10),
        ("voting_closes_at", 1),
    ] {
        row.push((column, (now + Duration::days(days)).into()));
    }
    db.insert_row("budget_editions", row).await;
    db.insert_row(
        "budget_key_shares",
        vec![
            ("edition_id", edition.into()),
            ("number", i32::from(share.x).into()),
            ("member_id", member.0.into()),
            ("fingerprint", share.fingerprint().into()),
            ("wrapped", share.wrap(SECRET, edition).into()),
        ],
    )
    .await;
    let project = uuid::Uuid::now_v7();
    let content = BallotContent {
        channel: Channel::Online,
        marks: vec![(project, 3)],
    };
    let sealed = public.seal(&content);
    db.insert_row(
        "budget_envelopes",
        vec![
            ("id", uuid::Uuid::new_v4().into()),
            ("edition_id", edition.into()),
            ("mac", envelope_mac(SECRET, edition, &sealed).into()),
            ("sealed", sealed.into()),
        ],
    )
    .await;
    let voter = pesel("44051401458", "Jan Kowalski").keys(SECRET, edition);
    for (hash, alias) in [
        (&voter.primary, false),
        (voter.alias.as_ref().unwrap(), true),
    ] {
        db.insert_row(
            "budget_voters",
            vec![
                ("edition_id", edition.into()),
                ("identity_hash", hash.clone().into()),
                ("alias", alias.into()),
            ],
        )
        .await;
    }
    // A paper sheet keyed once, as the budget's own code hashed it.
    let paper_voter = pesel("75120804355", "Ewa Nowak").keys(SECRET, edition);
    let sheet = Sheet {
        number: "K-1".into(),
        point: "Urząd".into(),
        keys: paper_voter,
        marks: vec![Mark {
            pool: miasto_domain::PoolId(uuid::Uuid::now_v7()),
            project: miasto_domain::ProjectId(project),
            points: 2,
        }],
    };
    let mut what = Vec::new();
    what.extend_from_slice(project.as_bytes());
    what.extend_from_slice(&2u16.to_be_bytes());
    let scope = [edition.as_bytes().as_slice(), b"K-1".as_slice()];
    let who = miasto_domain::vote::keyed_hex(
        SECRET,
        &[
            b"paper-voter",
            scope[0],
            scope[1],
            sheet.keys.primary.as_bytes(),
            sheet.keys.alias.as_deref().unwrap_or_default().as_bytes(),
        ],
    );
    let content_hash =
        miasto_domain::vote::keyed_hex(SECRET, &[b"paper-choices", scope[0], scope[1], &what]);
    db.insert_row(
        "budget_paper_entries",
        vec![
            ("id", uuid::Uuid::now_v7().into()),
            ("edition_id", edition.into()),
            ("sheet", "K-1".into()),
            ("point", "Urząd".into()),
            ("keyed_at", now.into()),
            ("identity_hash", who.into()),
            ("content", content_hash.into()),
            ("status", "waiting".into()),
        ],
    )
    .await;

    miasto_store::migrate(&db.db)
        .await
        .expect("migrations apply");
    let e = miasto_domain::EditionId(edition);
    assert_eq!(budget::voter_count(&db.db, e).await.unwrap(), 1);
    assert_eq!(budget::envelope_count(&db.db, e).await.unwrap(), 1);
    assert!(budget::identity_voted(&db.db, e, &voter).await.unwrap());
    let slots = budget::share_slots(&db.db, e).await.unwrap();
    assert_eq!(slots.len(), 1);
    assert!(slots[0].waiting);
    let collected = budget::collect_share(&db.db, e, member, SECRET)
        .await
        .unwrap()
        .expect("the share still unseals");
    assert_eq!(collected.fingerprint(), share.fingerprint());
    let open = budget::open_sheets(&db.db, e).await.unwrap();
    assert_eq!(open.len(), 1);
    // The second keying, by someone else, agrees with the first made before the move.
    let edition_now = budget::edition_by_id(&db.db, e).await.unwrap().unwrap();
    let second = user(&db, "operator@um.krakow.pl", Role::Operator).await.id;
    let tx = db.db.begin().await.unwrap();
    let keying = budget::key_paper(&tx, &edition_now, &sheet, second, SECRET)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(keying, Keying::Counted);
    // Both envelopes open with the key and are signed by the platform.
    let tx = db.db.begin().await.unwrap();
    let opened = miasto_store::ballot_box::open(&tx, edition, &key, SECRET)
        .await
        .unwrap();
    tx.rollback().await.unwrap();
    assert_eq!(opened.len(), 2);
    assert!(opened.contains(&content));
    for table in [
        "budget_voters",
        "budget_envelopes",
        "budget_key_shares",
        "budget_paper_entries",
    ] {
        let gone = db
            .db
            .execute_unprepared(&format!("SELECT COUNT(*) AS n FROM {table}"))
            .await;
        assert!(gone.is_err(), "{table} is gone");
    }
}
