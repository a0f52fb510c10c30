//! Consultations on both engines: the writes are conditional (a stale version, a second
//! publication, a cancellation after closing change nothing) and lists follow districts.

use chrono::Duration;
use miasto_domain::consultations::{self as rules, Kind, Schedule};
use miasto_store::consultations::{self as store, ChangeError, Content, Filter};
use miasto_store::testing::TestDb;

async fn content(db: &TestDb, title: &str, districts: Vec<miasto_domain::DistrictId>) -> Content {
    let unit = miasto_store::reference::list_units(&db.db)
        .await
        .unwrap()
        .remove(0)
        .id;
    let now = miasto_store::now();
    Content {
        plan: rules::check_plan(&rules::RawPlan {
            kind: "standard",
            title,
            goal: "Cel",
            contact_name: "Wydział",
            contact_email: "wd@example.pl",
            ..Default::default()
        })
        .unwrap(),
        organisation: rules::check_organisation(
            Some(unit),
            &["comments"],
            districts.is_empty(),
            districts,
        )
        .unwrap(),
        schedule: Schedule::new(
            Kind::Standard,
            &Default::default(),
            now - Duration::days(10),
            now - Duration::days(2),
            now + Duration::days(20),
            now + Duration::days(50),
        )
        .unwrap(),
    }
}

#[tokio::test]
async fn consultation_writes_are_conditional_and_lists_follow_districts() {
    let db = TestDb::new().await;
    let districts = miasto_store::reference::list_districts(&db.db)
        .await
        .unwrap();
    let (a, b) = (districts[0].id, districts[1].id);
    let user = miasto_domain::UserId::new();
    let local = store::create(&db.db, &content(&db, "Lokalne", vec![a]).await, user)
        .await
        .unwrap();
    let city = store::create(&db.db, &content(&db, "Lokalne", vec![]).await, user)
        .await
        .unwrap();
    assert_eq!(city.slug, "lokalne-2");
    assert_eq!(local.organisation.area, rules::Area::Districts(vec![a]));

    // Drafts are not public.
    let public = |district| Filter {
        published_only: true,
        district,
        ..Filter::default()
    };
    assert!(store::list(&db.db, public(None)).await.unwrap().is_empty());
    store::publish(&db.db, local.id).await.unwrap();
    assert!(matches!(
        store::publish(&db.db, local.id).await,
        Err(ChangeError::Stale)
    ));
    store::publish(&db.db, city.id).await.unwrap();
    let titles =
        |list: Vec<store::Consultation>| list.into_iter().map(|c| c.slug).collect::<Vec<_>>();
    assert_eq!(
        titles(store::list(&db.db, public(Some(a))).await.unwrap()).len(),
        2
    );
    assert_eq!(
        titles(store::list(&db.db, public(Some(b))).await.unwrap()),
        ["lokalne-2"]
    );

    // A stale version changes nothing; the current one moves it on.
    let fresh = store::get_by_slug(&db.db, "lokalne")
        .await
        .unwrap()
        .unwrap();
    let mut changed = content(&db, "Lokalne, poprawione", vec![a, b]).await;
    changed.schedule = fresh.schedule;
    assert!(matches!(
        store::update(&db.db, fresh.id, fresh.version - 1, &changed).await,
        Err(ChangeError::Stale)
    ));
    store::update(&db.db, fresh.id, fresh.version, &changed)
        .await
        .unwrap();
    let after = store::get_by_slug(&db.db, "lokalne")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(after.plan.title, "Lokalne, poprawione");
    assert_eq!(after.version, fresh.version + 1);
    assert_eq!(
        after.organisation.area,
        rules::Area::Districts(vec![a, b]).clone()
    );
    assert_eq!(
        titles(store::list(&db.db, public(Some(b))).await.unwrap()).len(),
        2
    );

    // Called off once; then nothing changes it.
    store::cancel(&db.db, after.id, "Powód").await.unwrap();
    assert!(matches!(
        store::cancel(&db.db, after.id, "Znowu").await,
        Err(ChangeError::Stale)
    ));
    assert!(matches!(
        store::update(&db.db, after.id, after.version + 1, &changed).await,
        Err(ChangeError::Stale)
    ));
    let cancelled = store::get_by_slug(&db.db, "lokalne")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(cancelled.cancel_reason.as_deref(), Some("Powód"));
    assert_eq!(
        cancelled.phase(miasto_store::now()),
        rules::Phase::Cancelled
    );
}

/// A closed consultation with comments on paper, answered.
async fn closed(db: &TestDb) -> store::Consultation {
    let mut c = content(db, "Zamknięte", vec![]).await;
    let now = miasto_store::now();
    c.organisation.methods = vec![rules::Method::Comments, rules::Method::Paper];
    c.schedule = Schedule::new(
        Kind::Standard,
        &Default::default(),
        now - Duration::days(40),
        now - Duration::days(30),
        now - Duration::days(2),
        now + Duration::days(28),
    )
    .unwrap();
    let k = store::create(&db.db, &c, miasto_domain::UserId::new())
        .await
        .unwrap();
    store::publish(&db.db, k.id).await.unwrap();
    k
}

fn paper(body: &str) -> store::NewComment {
    store::NewComment {
        channel: rules::comments::Channel::Paper,
        author: None,
        author_name: None,
        body: body.to_owned(),
        recorded_by: Some(miasto_domain::UserId::new()),
        target: store::Target::Consultation,
    }
}

#[tokio::test]
async fn paragraphs_keep_their_comments_across_versions_on_both_engines() {
    use miasto_domain::consultations::document::check_source;
    use miasto_store::consultations::documents;
    let db = TestDb::new().await;
    let user = miasto_domain::UserId::new();
    let k = store::create(&db.db, &content(&db, "Dokument", vec![]).await, user)
        .await
        .unwrap();
    store::publish(&db.db, k.id).await.unwrap();
    let v1 = "# § 1\n\nAkapit pierwszy bez zmian.\n\nAkapit drugi o konsultacjach społecznych w mieście.\n\nDo usunięcia.";
    let d = documents::create(
        &db.db,
        k.id,
        "Projekt",
        &check_source(v1).unwrap(),
        v1,
        user,
    )
    .await
    .unwrap();
    let old = documents::paragraphs(&db.db, d.id, 1).await.unwrap();
    assert_eq!(old.len(), 4);
    assert!(old[0].heading && !old[1].heading);
    let second = old[2].id;
    let mut comment = paper("Uwaga do drugiego akapitu.");
    comment.target = store::Target::Paragraph(second);
    let made = store::add_comment(&db.db, k.id, comment).await.unwrap();
    assert_eq!(made.document, Some((d.id, 1)));
    let v2 = "# § 1\n\nNowy wstęp.\n\nAkapit pierwszy bez zmian.\n\nAkapit drugi o konsultacjach społecznych w całym mieście.";
    assert_eq!(
        documents::new_version(&db.db, &d, 1, &check_source(v2).unwrap(), v2, None, user)
            .await
            .unwrap(),
        2
    );
    // The same version again is stale.
    assert!(matches!(
        documents::new_version(&db.db, &d, 1, &check_source(v2).unwrap(), v2, None, user).await,
        Err(ChangeError::Stale)
    ));
    let new = documents::paragraphs(&db.db, d.id, 2).await.unwrap();
    let ids: Vec<_> = new.iter().map(|p| p.id).collect();
    assert_eq!(ids[0], old[0].id, "the heading stays");
    assert_eq!(ids[2], old[1].id, "the unchanged paragraph stays");
    assert_eq!(ids[3], second, "the edited paragraph keeps its id");
    assert!(!ids.contains(&old[3].id), "the removed one is gone");
    assert!(!old.iter().any(|p| p.id == ids[1]), "the new one is new");
    let counts = documents::comment_counts(&db.db, d.id).await.unwrap();
    assert_eq!(counts.get(&second), Some(&1));
    let (_, history) = documents::paragraph_history(&db.db, d.id, old[3].id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(history, [(1, "Do usunięcia.".to_owned())]);
    // A removed paragraph takes no new comments.
    let mut late = paper("Spóźniona uwaga.");
    late.target = store::Target::Paragraph(old[3].id);
    assert!(matches!(
        store::add_comment(&db.db, k.id, late).await,
        Err(ChangeError::Target)
    ));
}

#[tokio::test]
async fn the_report_never_leaves_a_comment_unanswered_even_when_one_arrives_at_once() {
    use miasto_domain::consultations::answers::{Answer, Disposition};
    use miasto_store::consultations::answers;
    let db = TestDb::new().await;
    let k = closed(&db).await;
    let user = miasto_domain::UserId::new();
    let first = store::add_comment(&db.db, k.id, paper("Pierwsza."))
        .await
        .unwrap();
    let second = store::add_comment(&db.db, k.id, paper("Druga."))
        .await
        .unwrap();
    let answer = Answer {
        disposition: Disposition::Accepted,
        justification: "Uwzględniono.".into(),
    };
    // One answer for both; a stranger's comment id spoils the whole write.
    let tx = miasto_store::begin(&db.db).await.unwrap();
    assert!(matches!(
        answers::give(&tx, k.id, &[first.id, uuid::Uuid::now_v7()], &answer, user).await,
        Err(ChangeError::Target)
    ));
    tx.rollback().await.unwrap();
    assert_eq!(answers::unanswered(&db.db, k.id).await.unwrap(), 2);
    let id = answers::give(&db.db, k.id, &[first.id, second.id], &answer, user)
        .await
        .unwrap();
    assert_eq!(answers::list(&db.db, k.id).await.unwrap()[0].1, 2);
    // Drafts are not published.
    assert!(
        answers::get_many(&db.db, &[id], true)
            .await
            .unwrap()
            .is_empty()
    );

    // A comment typed in and the report at the same moment: whichever comes first, the
    // report never goes out with a comment unanswered.
    for round in 0..6 {
        let db1 = db.db.clone();
        let db2 = db.db.clone();
        let adding = tokio::spawn(async move {
            let tx = miasto_store::begin(&db1).await.unwrap();
            let done = store::add_comment(&tx, k.id, paper(&format!("Późna {round}."))).await;
            if done.is_ok() {
                tx.commit().await.unwrap();
            }
            done.is_ok()
        });
        let publishing = tokio::spawn(async move {
            let tx = miasto_store::begin(&db2).await.unwrap();
            let done = answers::publish_report(&tx, k.id).await;
            if done.is_ok() {
                tx.commit().await.unwrap();
            } else {
                tx.rollback().await.unwrap();
            }
            done.is_ok()
        });
        let (added, published) = (adding.await.unwrap(), publishing.await.unwrap());
        let unanswered = answers::unanswered(&db.db, k.id).await.unwrap();
        let reported = store::get_by_slug(&db.db, &k.slug)
            .await
            .unwrap()
            .unwrap()
            .reported_at
            .is_some();
        assert_eq!(reported, published);
        if reported {
            assert_eq!(
                unanswered, 0,
                "round {round}: reported with {unanswered} open"
            );
            assert!(!added || unanswered == 0);
            assert!(
                answers::get_many(&db.db, &[id], true)
                    .await
                    .unwrap()
                    .contains_key(&id)
            );
            return;
        }
        // Not yet: answer what came and try again.
        let open = answers::comments(
            &db.db,
            k.id,
            answers::Show::Unanswered,
            miasto_store::Page::new(None, Some(100)),
        )
        .await
        .unwrap();
        let ids: Vec<_> = open.items.iter().map(|c| c.id).collect();
        if !ids.is_empty() {
            answers::attach(&db.db, k.id, &ids, id).await.unwrap();
        }
    }
    // The last round without a comment racing it publishes.
    answers::publish_report(&db.db, k.id).await.unwrap();
}

#[tokio::test]
async fn two_responses_sent_at_once_by_one_account_or_code_count_once() {
    use miasto_domain::consultations::survey::{Answer, Audience, RawQuestion, Survey};
    use miasto_store::consultations::survey;
    let db = TestDb::new().await;
    let user = miasto_domain::UserId::new();
    let mut c = content(&db, "Ankieta", vec![]).await;
    c.organisation.methods = vec![rules::Method::Survey];
    let now = miasto_store::now();
    c.schedule = Schedule::new(
        Kind::Standard,
        &Default::default(),
        now + Duration::days(1),
        now + Duration::days(8),
        now + Duration::days(30),
        now + Duration::days(60),
    )
    .unwrap();
    let k = store::create(&db.db, &c, user).await.unwrap();
    let mut s = Survey {
        audience: Audience::Accounts,
        ..Survey::default()
    };
    let q = s
        .check_question(&RawQuestion {
            kind: "single",
            text: "Tak czy nie?",
            options: "Tak\nNie",
            ..Default::default()
        })
        .unwrap();
    s.questions.push(q);
    assert_eq!(survey::save(&db.db, k.id, &s, 0).await.unwrap(), 1);
    assert!(matches!(
        survey::save(&db.db, k.id, &s, 0).await,
        Err(ChangeError::Stale)
    ));
    store::publish(&db.db, k.id).await.unwrap();
    let codes = survey::make_codes(&db.db, b"secret", k.id, 1)
        .await
        .unwrap();
    // Open it: the clock moves on (the schedule is checked by the writes).
    let clock = miasto_store::clock::Clock::at(now + Duration::days(10));
    clock
        .run(async {
            let response =
                |user: Option<miasto_domain::UserId>, code: Option<String>| survey::NewResponse {
                    user,
                    code: code.map(|code| survey::CodeHash::of(b"secret", k.id, &code)),
                    answers: vec![("q1".to_owned(), Answer::Choice(0))],
                    ..Default::default()
                };
            for (who, code) in [(Some(user), None), (None, Some(codes[0].clone()))] {
                let mut handles = Vec::new();
                for _ in 0..2 {
                    let db = db.db.clone();
                    let new = response(who, code.clone());
                    let id = k.id;
                    let clock = clock.clone();
                    handles.push(tokio::spawn(async move {
                        clock
                            .run(async move {
                                let tx = miasto_store::begin(&db).await.unwrap();
                                let done = survey::submit(&tx, id, &new).await;
                                match &done {
                                    Ok(_) => tx.commit().await.unwrap(),
                                    Err(_) => tx.rollback().await.unwrap(),
                                }
                                done
                            })
                            .await
                    }));
                }
                let mut landed = 0;
                for h in handles {
                    match h.await.unwrap() {
                        Ok(_) => landed += 1,
                        Err(ChangeError::Answered | ChangeError::Code) => {}
                        Err(e) => panic!("{e:?}"),
                    }
                }
                assert_eq!(landed, 1, "one response lands, not two");
            }
            let tallies = survey::tallies(&db.db, k.id).await.unwrap();
            assert_eq!(tallies.get(survey::RESPONSES), Some(&2));
            assert_eq!(tallies.get("q1:0"), Some(&2));
        })
        .await;
}

#[tokio::test]
async fn a_meeting_never_overfills_and_a_slot_is_booked_once_even_at_once() {
    use miasto_domain::consultations::meetings::{
        Booking, DutyHourPlan, Format, MeetingPlan, Mode,
    };
    use miasto_store::consultations::meetings;
    let db = TestDb::new().await;
    let c = content(&db, "Spotkania", vec![]).await;
    let k = store::create(&db.db, &c, miasto_domain::UserId::new())
        .await
        .unwrap();
    store::publish(&db.db, k.id).await.unwrap();
    let now = miasto_store::now();
    let plan = MeetingPlan {
        title: "Spotkanie".into(),
        format: Format::InPerson,
        starts: now + Duration::days(3),
        ends: now + Duration::days(3) + Duration::hours(2),
        place: Some("ul. Bracka 10".into()),
        point: None,
        link: None,
        agenda: "Program".into(),
        capacity: Some(3),
    };
    let m = meetings::add_meeting(&db.db, k.id, &plan).await.unwrap();
    let users: Vec<_> = (0..8).map(|_| miasto_domain::UserId::new()).collect();
    let mut handles = Vec::new();
    for user in users.clone() {
        let (db, m) = (db.db.clone(), m.clone());
        handles.push(tokio::spawn(async move {
            let tx = miasto_store::begin(&db).await.unwrap();
            let r = meetings::register(&tx, &m, user).await.unwrap();
            tx.commit().await.unwrap();
            r
        }));
    }
    let mut registrations = Vec::new();
    for h in handles {
        registrations.push(h.await.unwrap());
    }
    let placed: Vec<_> = registrations.iter().filter(|r| !r.waiting).collect();
    assert_eq!(placed.len(), 3, "three places, eight sign-ups");
    let again = meetings::meeting(&db.db, k.id, m.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(again.taken, 3);
    // A second sign-up of an account is refused.
    assert!(matches!(
        meetings::register(&db.db, &m, users[0]).await,
        Err(ChangeError::Refused(rules::Refusal::SignedUp))
    ));
    // Two holders cancel at once: two of the line move up, the count stays full.
    let mut handles = Vec::new();
    for r in placed.iter().take(2).map(|r| (*r).clone()) {
        let db = db.db.clone();
        handles.push(tokio::spawn(async move {
            let tx = miasto_store::begin(&db).await.unwrap();
            let promoted = meetings::cancel_registration(&tx, &r).await.unwrap();
            tx.commit().await.unwrap();
            promoted
        }));
    }
    let mut promoted = Vec::new();
    for h in handles {
        promoted.push(h.await.unwrap().expect("someone was waiting").user);
    }
    assert_ne!(promoted[0], promoted[1]);
    let attendees = meetings::attendees(&db.db, m.id).await.unwrap();
    assert_eq!(
        attendees.iter().filter(|a| !a.registration.waiting).count(),
        3
    );
    assert_eq!(
        attendees.iter().filter(|a| a.registration.waiting).count(),
        3
    );
    let again = meetings::meeting(&db.db, k.id, m.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(again.taken, 3);
    // The first of those still waiting is next in line.
    let first_waiting = attendees.iter().find(|a| a.registration.waiting).unwrap();
    assert_eq!(
        meetings::position(&db.db, &first_waiting.registration)
            .await
            .unwrap(),
        1
    );

    // A duty hour: six accounts want the same slot at once; one gets it.
    let hour = DutyHourPlan {
        expert: "Wydział".into(),
        mode: Mode::InPerson,
        starts: now + Duration::days(2),
        ends: now + Duration::days(2) + Duration::hours(1),
        place: Some("pokój 13".into()),
        phone: None,
        slot_minutes: 20,
    };
    let d = meetings::add_duty_hour(&db.db, k.id, &hour).await.unwrap();
    let slots = meetings::slots(&db.db, d.id).await.unwrap();
    assert_eq!(slots.len(), 3);
    let booking = Booking {
        name: "Anna".into(),
        contact: "anna@example.pl".into(),
        topic: "Drzewa".into(),
    };
    let mut handles = Vec::new();
    for user in users.iter().take(6).copied() {
        let (db, d, b, slot) = (db.db.clone(), d.clone(), booking.clone(), slots[0].id);
        handles.push(tokio::spawn(async move {
            let tx = miasto_store::begin(&db).await.unwrap();
            let done = meetings::book(&tx, &d, slot, Some(user), &b, None).await;
            if done.is_ok() {
                tx.commit().await.unwrap();
            } else {
                tx.rollback().await.unwrap();
            }
            done.is_ok()
        }));
    }
    let mut booked = 0;
    for h in handles {
        booked += usize::from(h.await.unwrap());
    }
    assert_eq!(booked, 1);
    // One account asking for two slots at once holds one.
    let user = users[7];
    let mut handles = Vec::new();
    for slot in [slots[1].id, slots[2].id] {
        let (db, d, b) = (db.db.clone(), d.clone(), booking.clone());
        handles.push(tokio::spawn(async move {
            let tx = miasto_store::begin(&db).await.unwrap();
            let done = meetings::book(&tx, &d, slot, Some(user), &b, None).await;
            if done.is_ok() {
                tx.commit().await.unwrap();
            } else {
                tx.rollback().await.unwrap();
            }
            done.is_ok()
        }));
    }
    let mut held = 0;
    for h in handles {
        held += usize::from(h.await.unwrap());
    }
    assert_eq!(held, 1);
    let mine = meetings::booking_of(&db.db, d.id, user)
        .await
        .unwrap()
        .unwrap();
    // Cancelled, the slot is free again and the account may book anew.
    meetings::cancel_booking(&db.db, &mine).await.unwrap();
    assert!(matches!(
        meetings::cancel_booking(&db.db, &mine).await,
        Err(ChangeError::Stale)
    ));
    let free = meetings::slots(&db.db, d.id)
        .await
        .unwrap()
        .into_iter()
        .filter(|s| s.booking.is_none())
        .count();
    assert_eq!(free, 2);
    meetings::book(&db.db, &d, mine.slot_id, Some(user), &booking, None)
        .await
        .unwrap();

    // Bookings and a call-off at once: whatever lands first, no booking stays active on a
    // duty hour called off, and every booking that landed is among those to be told.
    let d2 = meetings::add_duty_hour(&db.db, k.id, &hour).await.unwrap();
    let slots2 = meetings::slots(&db.db, d2.id).await.unwrap();
    let mut handles = Vec::new();
    let more: Vec<_> = (0..3).map(|_| miasto_domain::UserId::new()).collect();
    for (i, user) in more.iter().copied().enumerate() {
        let (db, d, b, slot) = (db.db.clone(), d2.clone(), booking.clone(), slots2[i].id);
        handles.push(tokio::spawn(async move {
            let tx = miasto_store::begin(&db).await.unwrap();
            let done = meetings::book(&tx, &d, slot, Some(user), &b, None).await;
            match done {
                Ok(b) => {
                    tx.commit().await.unwrap();
                    Some(b.id)
                }
                Err(_) => {
                    tx.rollback().await.unwrap();
                    None
                }
            }
        }));
    }
    let call_off = {
        let (db, id) = (db.db.clone(), d2.id);
        tokio::spawn(async move {
            let tx = miasto_store::begin(&db).await.unwrap();
            let told = meetings::cancel_duty_hour(&tx, id, "Choroba")
                .await
                .unwrap();
            tx.commit().await.unwrap();
            told.into_iter().map(|b| b.id).collect::<Vec<_>>()
        })
    };
    let mut landed = Vec::new();
    for h in handles {
        landed.extend(h.await.unwrap());
    }
    let told = call_off.await.unwrap();
    assert!(
        meetings::bookings(&db.db, d2.id).await.unwrap().is_empty(),
        "no active booking on a duty hour called off"
    );
    for id in &landed {
        assert!(told.contains(id), "a booking that landed is told");
    }
    assert!(matches!(
        meetings::book(&db.db, &d2, slots2[0].id, Some(more[0]), &booking, None).await,
        Err(ChangeError::Refused(_))
    ));
}

#[tokio::test]
async fn an_accounts_first_comments_sent_at_once_make_one_participant() {
    let db = TestDb::new().await;
    let c = content(&db, "Uczestnicy", vec![]).await;
    let k = store::create(&db.db, &c, miasto_domain::UserId::new())
        .await
        .unwrap();
    store::publish(&db.db, k.id).await.unwrap();
    let author = miasto_domain::UserId::new();
    let mut handles = Vec::new();
    for i in 0..4 {
        let db = db.db.clone();
        handles.push(tokio::spawn(async move {
            let tx = miasto_store::begin(&db).await.unwrap();
            store::add_comment(
                &tx,
                k.id,
                store::NewComment {
                    channel: rules::comments::Channel::Web,
                    author: Some(author),
                    author_name: None,
                    body: format!("Uwaga {i}."),
                    recorded_by: None,
                    target: store::Target::Consultation,
                },
            )
            .await
            .unwrap();
            tx.commit().await.unwrap();
        }));
    }
    for h in handles {
        h.await.unwrap();
    }
    store::add_comment(&db.db, k.id, paper("Z urny."))
        .await
        .unwrap();
    let (channels, _, participants) = store::figures(&db.db, k.id).await.unwrap();
    assert_eq!(participants, 2, "one account and one paper comment");
    assert_eq!(channels.iter().map(|c| c.1).sum::<u64>(), 5);
    // The marks stay out of the survey's counts.
    let tallies = miasto_store::consultations::survey::tallies(&db.db, k.id)
        .await
        .unwrap();
    assert!(tallies.is_empty(), "{tallies:?}");
}

#[tokio::test]
async fn a_comment_waiting_for_a_moderator_holds_the_report_back() {
    use miasto_domain::consultations::answers::{Answer, Disposition};
    use miasto_store::consultations::answers;
    let db = TestDb::new().await;
    let mut c = content(&db, "Moderowane", vec![]).await;
    c.organisation.premoderated = true;
    let k = store::create(&db.db, &c, miasto_domain::UserId::new())
        .await
        .unwrap();
    store::publish(&db.db, k.id).await.unwrap();
    let waiting = store::add_comment(
        &db.db,
        k.id,
        store::NewComment {
            channel: rules::comments::Channel::App,
            author: Some(miasto_domain::UserId::new()),
            author_name: None,
            body: "Czeka.".into(),
            recorded_by: None,
            target: store::Target::Consultation,
        },
    )
    .await
    .unwrap();
    assert!(waiting.pending);
    let shown = store::add_comment(&db.db, k.id, paper("Z urny."))
        .await
        .unwrap();
    assert!(!shown.pending);
    let answer = Answer {
        disposition: Disposition::Accepted,
        justification: "Tak.".into(),
    };
    answers::give(
        &db.db,
        k.id,
        &[shown.id],
        &answer,
        miasto_domain::UserId::new(),
    )
    .await
    .unwrap();
    // Closed: the answered comment alone would let the report out; the waiting one does not.
    let clock = miasto_store::clock::Clock::at(miasto_store::now() + Duration::days(21));
    clock
        .run(async {
            assert!(matches!(
                answers::publish_report(&db.db, k.id).await,
                Err(ChangeError::Unanswered)
            ));
            assert!(
                store::hide_comment(&db.db, k.id, waiting.id, "Poza tematem.")
                    .await
                    .unwrap()
            );
            assert_eq!(store::pending(&db.db, k.id, 10).await.unwrap().1, 0);
            answers::publish_report(&db.db, k.id).await.unwrap();
            // Refused without ever being counted.
            let (_, _, participants) = store::figures(&db.db, k.id).await.unwrap();
            assert_eq!(participants, 1);
        })
        .await;
}
