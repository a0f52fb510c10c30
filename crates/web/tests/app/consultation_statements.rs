//! Statement voting (issue 17): officials add statements, residents vote agree / disagree /
//! pass once per statement (a later vote replaces the earlier) and add their own, which
//! moderators accept or refuse with a reason the author sees; the opinion groups found as
//! Pol.is does are published with a text alternative to the map.

use super::consultations::{create, day, on_clock, unit_id, with_methods};
use crate::harness::TestApp;
use axum::http::StatusCode;
use miasto_domain::consultations::statements::{Choice, Status};
use miasto_domain::{Role, UserId};
use miasto_store::consultations::statements as store;

const STATEMENTS: [&str; 6] = [
    "Rynek powinien być strefą bez samochodów.",
    "Więcej parkingów w centrum miasta.",
    "Tramwaje powinny mieć pierwszeństwo na skrzyżowaniach.",
    "Opłata za parkowanie w centrum jest za wysoka.",
    "Buspasy na alei Trzech Wieszczów to dobry pomysł.",
    "Samochody dostawcze powinny wjeżdżać do centrum o każdej porze.",
];

#[tokio::test]
async fn residents_vote_once_per_statement_and_see_the_opinion_groups() {
    on_clock(|clock| async move {
        let app = TestApp::new().await;
        let (mut official, _) = app.logged_in("urzednik@um.krakow.pl", Role::Official).await;
        let unit = unit_id(&app, "WD").await;
        let path = create(
            &mut official,
            &with_methods(&unit, &["statements", "comments"]),
        )
        .await;
        let slug = path.rsplit('/').next().unwrap().to_owned();
        let staff = format!("/staff/consultations/{slug}/statements");
        // Officials prepare the first statements in the draft; a too short one is named.
        official
            .post(&staff, &[("body", "Tak")])
            .await
            .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
            .assert_contains("id=\"body-error\"")
            .assert_contains(">Tak</textarea>");
        for s in STATEMENTS {
            official
                .post(&staff, &[("body", s)])
                .await
                .assert_redirect(&staff);
        }
        official.post(&format!("{path}/publish"), &[]).await;
        // A consultation without statement voting has no such pages.
        let other = create(&mut official, &with_methods(&unit, &["comments"])).await;
        let other_slug = other.rsplit('/').next().unwrap().to_owned();
        official.post(&format!("{other}/publish"), &[]).await;
        for page in ["statements", "opinions"] {
            app.browser()
                .get(&format!("/consultations/{other_slug}/{page}"))
                .await
                .assert_status(StatusCode::NOT_FOUND);
        }
        let c = miasto_store::consultations::get_by_slug(&app.db.db, &slug)
            .await
            .unwrap()
            .unwrap();
        let listed = store::list(&app.db.db, c.id, Status::Accepted)
            .await
            .unwrap();
        let numbers: Vec<i32> = listed.iter().map(|s| s.number).collect();
        assert_eq!(numbers, vec![1, 2, 3, 4, 5, 6]);
        clock.set(day(10));
        let public = format!("/consultations/{slug}/statements");
        // Without an account: the statements and a way to sign in, no buttons.
        let mut visitor = app.browser();
        visitor
            .get(&public)
            .await
            .assert_status(StatusCode::OK)
            .assert_contains(STATEMENTS[0])
            .assert_contains("Zaloguj się, aby głosować")
            .assert_lacks("value=\"agree\"");
        // A resident votes with buttons that say what they do; a later vote replaces the first.
        let (mut anna, anna_user) = app.logged_in("anna@example.pl", Role::Resident).await;
        let page = anna.get(&public).await;
        page.assert_contains(">Zgadzam się</button>")
            .assert_contains(">Nie zgadzam się</button>")
            .assert_contains(">Pomiń</button>")
            .assert_contains("Oddane głosy: 0 z 6.");
        let first = format!("{public}/{}/vote", listed[0].id);
        anna.post(&first, &[("vote", "agree")])
            .await
            .assert_redirect(&format!("{public}#vote"));
        anna.post(&first, &[("vote", "disagree")])
            .await
            .assert_status(StatusCode::SEE_OTHER);
        anna.post(&first, &[("vote", "maybe")])
            .await
            .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
            .assert_contains("Wybierz: zgadzam się, nie zgadzam się albo pomiń.");
        let mine = store::votes_of(&app.db.db, c.id, anna_user.id)
            .await
            .unwrap();
        assert_eq!(mine.len(), 1);
        assert_eq!(mine.get(&listed[0].id), Some(&Choice::Disagree));
        anna.get(&public)
            .await
            .assert_contains("Oddane głosy: 1 z 6.")
            .assert_contains(STATEMENTS[1]);
        // A statement of her own: too short named and kept; then it waits for a moderator.
        anna.post(&public, &[("body", "Nie")])
            .await
            .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
            .assert_contains("id=\"body-error\"");
        anna.post(
            &public,
            &[("body", "Nocne autobusy co 15 minut w weekendy.")],
        )
        .await
        .assert_redirect(&public);
        anna.post(&public, &[("body", "Wszyscy urzędnicy to złodzieje!")])
            .await
            .assert_redirect(&public);
        let pending = store::list(&app.db.db, c.id, Status::Pending)
            .await
            .unwrap();
        assert_eq!(pending.len(), 2);
        anna.get(&public)
            .await
            .assert_contains("czeka na moderatora");
        let (mut piotr, _) = app.logged_in("piotr@example.pl", Role::Resident).await;
        piotr.get(&public).await.assert_lacks("Nocne autobusy");
        // Nobody votes on a statement not accepted.
        piotr
            .post(
                &format!("{public}/{}/vote", pending[0].id),
                &[("vote", "agree")],
            )
            .await
            .assert_status(StatusCode::CONFLICT);
        // Moderators decide; a refusal needs a reason, which the author sees.
        let (mut operator, _) = app.logged_in("operator@um.krakow.pl", Role::Operator).await;
        operator
            .post(
                &format!("{staff}/{}/moderate", pending[0].id),
                &[("decision", "accept")],
            )
            .await
            .assert_status(StatusCode::FORBIDDEN);
        let (mut moderator, _) = app
            .logged_in("moderator@um.krakow.pl", Role::Moderator)
            .await;
        moderator
            .get(&staff)
            .await
            .assert_contains("Nocne autobusy")
            .assert_contains(">Przyjmij</button>");
        moderator
            .post(
                &format!("{staff}/{}/moderate", pending[1].id),
                &[("decision", "reject"), ("reason", " ")],
            )
            .await
            .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
            .assert_contains("Podaj powód odrzucenia");
        moderator
            .post(
                &format!("{staff}/{}/moderate", pending[1].id),
                &[
                    ("decision", "reject"),
                    ("reason", "Obraża ludzi, nie odnosi się do sprawy."),
                ],
            )
            .await
            .assert_redirect(&staff);
        moderator
            .post(
                &format!("{staff}/{}/moderate", pending[0].id),
                &[("decision", "accept")],
            )
            .await
            .assert_redirect(&staff);
        // Decided once: a second decision is refused.
        moderator
            .post(
                &format!("{staff}/{}/moderate", pending[0].id),
                &[("decision", "accept")],
            )
            .await
            .assert_status(StatusCode::CONFLICT);
        anna.get(&public)
            .await
            .assert_contains("Obraża ludzi, nie odnosi się do sprawy.")
            .assert_contains("odrzucone");
        piotr
            .get(&public)
            .await
            .assert_contains("Nocne autobusy co 15 minut w weekendy.");
        // Too few votes: no groups yet, said plainly.
        let opinions = format!("/consultations/{slug}/opinions");
        visitor
            .get(&opinions)
            .await
            .assert_status(StatusCode::OK)
            .assert_contains("Jest jeszcze za mało głosów");
        // Two camps of residents (votes cast through the store, as the page casts them).
        let statements = store::list(&app.db.db, c.id, Status::Accepted)
            .await
            .unwrap();
        for voter in 0..30 {
            let user = UserId::new();
            let car = voter % 2 == 0;
            for (i, s) in statements.iter().enumerate().take(6) {
                let pro_car = matches!(i, 1 | 3 | 5);
                let choice = if (voter + i) % 11 == 0 {
                    Choice::Pass
                } else if pro_car == car {
                    Choice::Agree
                } else {
                    Choice::Disagree
                };
                let tx = miasto_store::begin(&app.db.db).await.unwrap();
                store::vote(&tx, c.id, s.id, user, choice).await.unwrap();
                tx.commit().await.unwrap();
            }
            // Everyone agrees on night buses.
            let tx = miasto_store::begin(&app.db.db).await.unwrap();
            store::vote(&tx, c.id, statements[6].id, user, Choice::Agree)
                .await
                .unwrap();
            tx.commit().await.unwrap();
        }
        let page = visitor.get(&opinions).await;
        page.assert_status(StatusCode::OK)
            .assert_contains("Grup opinii: 2.")
            .assert_contains("Grupa A")
            .assert_contains("Grupa B")
            .assert_contains("role=\"img\" aria-labelledby=\"map-title map-desc\"")
            .assert_contains("<caption>Grupy opinii</caption>")
            .assert_contains("Co dzieli grupy")
            .assert_contains("Większość się zgadza");
        // The number of groups is kept between updates (Pol.is's smoother): the page read
        // again without new votes changes nothing.
        let kept = store::opinion_state(&app.db.db, c.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(kept.smoothed_k, 2);
        assert_eq!(kept.votes, 30 * 7 + 1);
        visitor
            .get(&opinions)
            .await
            .assert_contains("Grup opinii: 2.");
        assert_eq!(
            store::opinion_state(&app.db.db, c.id)
                .await
                .unwrap()
                .unwrap(),
            kept
        );
        // Night buses are what nearly everyone shares.
        let consensus = page
            .body
            .split("Co łączy prawie wszystkich")
            .nth(1)
            .unwrap();
        assert!(consensus.contains("Nocne autobusy"), "{consensus}");
        // The groups are computed once per state of the votes; a new vote is seen at once.
        assert!(page.body.contains("głosów: 211"), "{}", page.body);
        let newcomer = UserId::new();
        let tx = miasto_store::begin(&app.db.db).await.unwrap();
        store::vote(&tx, c.id, statements[0].id, newcomer, Choice::Agree)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        visitor.get(&opinions).await.assert_contains("głosów: 212");
        // Closed: no more votes.
        clock.set(day(29));
        let mut anna = app.browser();
        anna.login("anna@example.pl", crate::harness::PASSWORD)
            .await;
        anna.post(&first, &[("vote", "agree")])
            .await
            .assert_status(StatusCode::CONFLICT);
    })
    .await;
}
