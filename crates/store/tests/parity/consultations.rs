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
        open_at: None,
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
