//! The consultation algorithm at work (issue 17): staff run it over a consultation's
//! comments, rename and merge its groups, move a comment, confirm a group (a re-run keeps
//! it), and give a whole group one answer — which the published report shows on every member.

use super::consultations::{create, day, on_clock, unit_id, with_methods};
use crate::harness::{Browser, PASSWORD, TestApp};
use axum::http::StatusCode;
use miasto_domain::Role;
use miasto_domain::consultations::grouping::GroupKind;
use miasto_store::consultations::groups as store;

const LETTER: &str = "Sprzeciwiam się wycince drzew w parku Jordana. Park jest miejscem \
                      odpoczynku tysięcy mieszkańców, a stare drzewa chronią nas przed upałem \
                      i smogiem. Apeluję o zmianę projektu alejek.";

/// Six copies of one letter with the edits people make, and points made in other words on
/// three topics.
fn comments() -> Vec<String> {
    let mut out = vec![
        LETTER.to_owned(),
        format!("Dzień dobry, {LETTER} Z poważaniem, Anna Nowak"),
        LETTER
            .replace("tysięcy", "tysiecy")
            .replace("drzewa", "drzwea"),
        LETTER.to_uppercase(),
        format!("Szanowni Państwo, {LETTER}"),
        format!("{LETTER} Pozdrawiam, Jan Kowalski, ul. Długa 5"),
    ];
    out.extend(
        [
            "Drzewa w parku Jordana muszą zostać, wycinka drzew to zły pomysł.",
            "Nie wycinajcie starych drzew w parku Jordana, drzewa dają cień.",
            "Stare drzewa parku Jordana trzeba chronić przed wycinką drzew.",
            "Autobusy linii 152 jeżdżą za rzadko, potrzeba częstszych kursów autobusów.",
            "Więcej kursów autobusów linii 152 rano, autobusy są przepełnione.",
            "Linia autobusowa 152 powinna kursować częściej, autobusy 152 są pełne.",
            "Ścieżka rowerowa na ulicy Kamiennej jest potrzebna rowerzystom.",
            "Rowerzyści potrzebują ścieżki rowerowej wzdłuż ulicy Kamiennej.",
            "Proszę o ścieżkę rowerową na Kamiennej, rowerzyści jeżdżą między autami.",
        ]
        .map(str::to_owned),
    );
    out
}

/// Every `/staff/consultations/<slug>/groups/<id>` link of a page, in order, without repeats.
fn group_links(body: &str, slug: &str) -> Vec<String> {
    let prefix = format!("href=\"/staff/consultations/{slug}/groups/");
    let mut out: Vec<String> = Vec::new();
    for part in body.split(&prefix).skip(1) {
        let id = part.split('"').next().unwrap();
        if !id.contains('?') && !out.iter().any(|l| l == id) {
            out.push(id.to_owned());
        }
    }
    out
}

async fn record(operator: &mut Browser<'_>, slug: &str, body: &str) {
    operator
        .post(
            &format!("/staff/consultations/{slug}/comments"),
            &[("channel", "paper"), ("body", body)],
        )
        .await
        .assert_status(StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn comment_groups_are_shaped_by_staff_and_one_answer_reaches_every_member() {
    on_clock(|clock| async move {
        let app = TestApp::new().await;
        let (mut official, _) = app.logged_in("urzednik@um.krakow.pl", Role::Official).await;
        let unit = unit_id(&app, "WD").await;
        let path = create(&mut official, &with_methods(&unit, &["comments", "paper"])).await;
        official.post(&format!("{path}/publish"), &[]).await;
        let slug = path.rsplit('/').next().unwrap().to_owned();
        let consultation = miasto_store::consultations::get_by_slug(&app.db.db, &slug)
            .await
            .unwrap()
            .unwrap()
            .id;
        clock.set(day(10));
        let (mut operator, _) = app.logged_in("operator@um.krakow.pl", Role::Operator).await;
        for text in comments() {
            record(&mut operator, &slug, &text).await;
        }
        let groups = format!("/staff/consultations/{slug}/groups");
        // Residents and staff of another unit do not work with the groups.
        let (mut resident, _) = app.logged_in("anna@example.pl", Role::Resident).await;
        resident
            .get(&groups)
            .await
            .assert_status(StatusCode::FORBIDDEN);
        let (mut other_unit, _) = app.logged_in("zdmk@um.krakow.pl", Role::UnitStaff).await;
        other_unit
            .post(&groups, &[])
            .await
            .assert_status(StatusCode::FORBIDDEN);
        operator
            .get(&groups)
            .await
            .assert_status(StatusCode::OK)
            .assert_contains("Nie ma jeszcze grup")
            .assert_contains("Uwag do przeanalizowania: 15.");
        // A threshold out of range is named, what was typed kept, nothing written.
        operator
            .post(&groups, &[("threshold", "5"), ("kind", "topic")])
            .await
            .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
            .assert_contains("id=\"threshold-error\"")
            .assert_contains("value=\"5\"");
        assert!(
            store::list(&app.db.db, consultation, GroupKind::Topic)
                .await
                .unwrap()
                .is_empty()
        );
        operator
            .post(&groups, &[("threshold", "0,6"), ("kind", "duplicate")])
            .await
            .assert_redirect(&format!("{groups}?kind=duplicate"));
        // The letter's six copies are one group of copies, whatever the greetings and typos.
        let copies = store::list(&app.db.db, consultation, GroupKind::Duplicate)
            .await
            .unwrap();
        assert_eq!(copies.len(), 1, "{copies:?}");
        assert_eq!(copies[0].size, 6);
        // Why they are one group: the words they share.
        assert!(
            copies[0].key_phrases[0].starts_with("sprzeciwiam wycince drzew w parku jordana")
                || copies[0].key_phrases[0].starts_with("sprzeciwiam wycince drzew parku jordana"),
            "{copies:?}"
        );
        operator
            .get(&format!("{groups}?kind=duplicate"))
            .await
            .assert_contains("6 uwag")
            .assert_contains("Sprzeciwiam się wycince drzew");
        // Topics: the trees (the letter with its three paraphrases), the bus, the bike path.
        let topics = store::list(&app.db.db, consultation, GroupKind::Topic)
            .await
            .unwrap();
        assert_eq!(topics.len(), 3, "{topics:?}");
        assert_eq!(topics[0].size, 9, "{topics:?}");
        assert!(
            topics[0].key_phrases.iter().any(|p| p.contains("drzew")),
            "{topics:?}"
        );
        let page = operator.get(&format!("{groups}?kind=topic")).await;
        let links = group_links(&page.body, &slug);
        assert_eq!(links.len(), 3);
        let (trees, buses, bikes) = (
            topics[0].id.to_string(),
            topics[1].id.to_string(),
            topics[2].id.to_string(),
        );
        assert_eq!(links[0], trees, "largest first");
        let tree_page = format!("{groups}/{trees}");
        // A name: an empty one is named, a good one kept.
        operator
            .post(&format!("{tree_page}/label"), &[("label", "  ")])
            .await
            .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
            .assert_contains("id=\"label-error\"");
        operator
            .post(
                &format!("{tree_page}/label"),
                &[("label", "Drzewa w parku Jordana")],
            )
            .await
            .assert_redirect(&tree_page);
        operator
            .get(&format!("{groups}?kind=topic"))
            .await
            .assert_contains("Drzewa w parku Jordana");
        // Merging: the bike path joins the bus group; the bike group goes.
        operator
            .post(&format!("{groups}/{buses}/merge"), &[("other", "")])
            .await
            .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
            .assert_contains("Wybierz grupę.");
        operator
            .post(&format!("{groups}/{buses}/merge"), &[("other", &bikes)])
            .await
            .assert_redirect(&format!("{groups}/{buses}"));
        operator
            .get(&format!("{groups}/{bikes}"))
            .await
            .assert_status(StatusCode::NOT_FOUND);
        // A group of copies does not merge with a topic.
        operator
            .post(
                &format!("{groups}/{buses}/merge"),
                &[("other", &copies[0].id.to_string())],
            )
            .await
            .assert_status(StatusCode::CONFLICT);
        // Moving: one paraphrase about trees goes to the bus group (a staff decision).
        let moved = store::member_ids(&app.db.db, consultation, topics[0].id)
            .await
            .unwrap()
            .into_iter()
            .max()
            .unwrap();
        operator
            .post(
                &format!("{tree_page}/move"),
                &[("comment", &moved.to_string()), ("other", &buses)],
            )
            .await
            .assert_redirect(&tree_page);
        let now = store::list(&app.db.db, consultation, GroupKind::Topic)
            .await
            .unwrap();
        let sizes: Vec<(String, u64)> = now.iter().map(|g| (g.id.to_string(), g.size)).collect();
        assert_eq!(sizes, vec![(trees.clone(), 8), (buses.clone(), 7)]);
        // A comment not in the group is not moved from its page.
        operator
            .post(
                &format!("{tree_page}/move"),
                &[("comment", &moved.to_string()), ("other", &buses)],
            )
            .await
            .assert_status(StatusCode::CONFLICT);
        // Confirmed, the trees group survives a re-run after a new comment arrives.
        operator
            .post(&format!("{tree_page}/confirm"), &[])
            .await
            .assert_redirect(&tree_page);
        let before = store::member_ids(&app.db.db, consultation, topics[0].id)
            .await
            .unwrap();
        record(
            &mut operator,
            &slug,
            "Wycinka drzew w parku Jordana? Drzewa muszą zostać!",
        )
        .await;
        operator
            .post(&groups, &[("kind", "topic")])
            .await
            .assert_redirect(&format!("{groups}?kind=topic"));
        let mut after = store::member_ids(&app.db.db, consultation, topics[0].id)
            .await
            .unwrap();
        let mut before_sorted = before.clone();
        before_sorted.sort();
        after.sort();
        assert_eq!(after, before_sorted, "a confirmed group stays as it was");
        let trees_now = store::get(&app.db.db, consultation, topics[0].id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(trees_now.label.as_deref(), Some("Drzewa w parku Jordana"));
        assert!(trees_now.confirmed_at.is_some());
        // One answer for the whole group: a missing justification named, then every member.
        operator
            .post(
                &format!("{tree_page}/answer"),
                &[("disposition", "partly_accepted")],
            )
            .await
            .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
            .assert_contains("id=\"justification-error\"");
        let just = "Projekt alejek zmieniono: zachowamy 40 starych drzew, wytniemy tylko 3 chore.";
        operator
            .post(
                &format!("{tree_page}/answer"),
                &[("disposition", "partly_accepted"), ("justification", just)],
            )
            .await
            .assert_redirect(&tree_page);
        let trees_now = store::get(&app.db.db, consultation, topics[0].id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(trees_now.answered, 8);
        operator
            .get(&tree_page)
            .await
            .assert_contains("z odpowiedzią: 8")
            .assert_contains(just);
        // The rest answered on the answers page; closed, the report is published.
        clock.set(day(29));
        let answers = format!("/staff/consultations/{slug}/answers");
        let page = operator.get(&answers).await;
        let rest: Vec<String> = page
            .body
            .split("name=\"comment\" value=\"")
            .skip(1)
            .map(|s| s.split('"').next().unwrap().to_owned())
            .collect();
        assert_eq!(rest.len(), 8, "16 comments, 8 answered with the group");
        let mut fields: Vec<(&str, &str)> =
            rest.iter().map(|id| ("comment", id.as_str())).collect();
        fields.extend([
            ("disposition", "not_accepted"),
            ("justification", "Poza zakresem uchwały."),
        ]);
        operator
            .post(&answers, &fields)
            .await
            .assert_status(StatusCode::SEE_OTHER);
        let mut official = app.browser();
        official.login("urzednik@um.krakow.pl", PASSWORD).await;
        official
            .post(&format!("/staff/consultations/{slug}/report"), &[])
            .await
            .assert_redirect(&format!("/consultations/{slug}/report"));
        let report = resident.get(&format!("/consultations/{slug}/report")).await;
        report.assert_status(StatusCode::OK);
        assert_eq!(
            report.body.matches(just).count(),
            8,
            "the group's answer on every member"
        );
        // Reported: the groups are history now.
        operator
            .post(&groups, &[("kind", "topic")])
            .await
            .assert_status(StatusCode::CONFLICT);
        operator
            .post(&format!("{tree_page}/label"), &[("label", "Inna nazwa")])
            .await
            .assert_status(StatusCode::CONFLICT);
    })
    .await;
}
