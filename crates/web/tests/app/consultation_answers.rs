//! Public consultations (issue 16, second part): documents commented paragraph by paragraph
//! across versions, and answers to every comment — given in bulk, drafts until the report
//! publishes them all at once — with the report's page, its CSV and ODS downloads, and the
//! participants told.

use super::consultations::{create, day, on_clock, unit_id, with_methods};
use crate::harness::{Browser, TestApp};
use axum::http::StatusCode;
use miasto_domain::Role;

const DRAFT: &str = "# Uchwała w sprawie zasad konsultacji\n\n## § 1\n\nKonsultacje są jawne i dostępne dla każdego.\n\nKażdy mieszkaniec może wziąć udział w konsultacjach społecznych.\n\nPrzepis przejściowy, który zostanie usunięty.\n";

const DRAFT_2: &str = "# Uchwała w sprawie zasad konsultacji\n\n## § 1\n\nKonsultacje są jawne i dostępne dla każdego.\n\nKażdy mieszkaniec i każda organizacja może wziąć udział w konsultacjach społecznych.\n\nRaport publikuje się w ciągu 30 dni.\n";

/// Every `…/paragraphs/<id>` link of a page, in order, without repeats.
fn paragraph_links(body: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for part in body.split("href=\"").skip(1) {
        let link = part.split('"').next().unwrap();
        if link.contains("/paragraphs/") && !out.iter().any(|l| l == link) {
            out.push(link.to_owned());
        }
    }
    out
}

/// A published consultation taking comments online and on paper, with the draft above as
/// a document; its slug and the document's public path.
async fn consultation_with_document(app: &TestApp, official: &mut Browser<'_>) -> (String, String) {
    let unit = unit_id(app, "WD").await;
    let path = create(official, &with_methods(&unit, &["comments", "paper"])).await;
    let slug = path.rsplit('/').next().unwrap().to_owned();
    let docs = format!("{path}/documents");
    // A document with no paragraph is refused, the title kept.
    official
        .post(
            &docs,
            &[("title", "Projekt uchwały"), ("source", "# Tylko tytuł")],
        )
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("id=\"source-error\"")
        .assert_contains("value=\"Projekt uchwały\"");
    official
        .post(&docs, &[("title", "Projekt uchwały"), ("source", DRAFT)])
        .await
        .assert_redirect(&docs);
    let list = official.get(&docs).await;
    let staff_doc = list
        .body
        .split(&format!("href=\"{docs}/"))
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    official.post(&format!("{path}/publish"), &[]).await;
    (
        slug.clone(),
        format!("/consultations/{slug}/documents/{staff_doc}"),
    )
}

#[tokio::test]
async fn a_comment_stays_with_its_paragraph_when_the_draft_changes() {
    on_clock(|clock| async move {
        let app = TestApp::new().await;
        let (mut official, _) = app.logged_in("urzednik@um.krakow.pl", Role::Official).await;
        let (slug, doc) = consultation_with_document(&app, &mut official).await;
        let staff_doc = doc.replace("/consultations/", "/staff/consultations/");
        clock.set(day(10));
        let (mut resident, _) = app.logged_in("mieszkanka@example.pl", Role::Resident).await;
        let page = resident.get(&doc).await;
        page.assert_status(StatusCode::OK)
            .assert_contains("Każdy mieszkaniec może wziąć udział")
            .assert_contains("<span class=\"paragraph-number\">2.</span>");
        resident
            .get(&format!("/consultations/{slug}"))
            .await
            .assert_contains(&format!("href=\"{doc}\""));
        // Links: the section "§ 1" (the title is a section too), then paragraphs 1, 2, 3.
        let links = paragraph_links(&page.body);
        assert_eq!(links.len(), 5, "{links:?}");
        let (second, third) = (links[3].clone(), links[4].clone());
        let res = resident
            .post(
                &format!("{second}/comments"),
                &[("body", "Dopiszcie organizacje pozarządowe.")],
            )
            .await;
        res.assert_redirect(&format!("{second}#comments"));
        resident
            .post(&format!("{third}/comments"), &[("body", "Ten przepis jest zbędny.")])
            .await
            .assert_redirect(&format!("{third}#comments"));
        resident
            .post(&format!("{doc}/comments"), &[("body", "Całość jest zbyt ogólna.")])
            .await
            .assert_redirect(&format!("{doc}#comments"));
        // A paragraph of another document (or none) is not a target.
        resident
            .post(
                &format!("{doc}/paragraphs/00000000-0000-7000-8000-000000000000/comments"),
                &[("body", "Gdzie to jest?")],
            )
            .await
            .assert_status(StatusCode::NOT_FOUND);
        resident
            .get(&doc)
            .await
            .assert_contains("1 uwaga – przeczytaj lub dodaj swoją")
            .assert_contains("Całość jest zbyt ogólna.");

        // Staff type in a letter about paragraph 1, chosen from the list.
        let (mut operator, _) = app.logged_in("operator@um.krakow.pl", Role::Operator).await;
        let record = format!("/staff/consultations/{slug}/comments");
        let form = operator.get(&record).await;
        form.assert_contains("Projekt uchwały — Akapit 1: Konsultacje są jawne");
        let first_id = links[2].rsplit('/').next().unwrap();
        operator
            .post(
                &record,
                &[
                    ("channel", "letter"),
                    ("target", &format!("p:{first_id}")),
                    ("body", "Jawność to podstawa."),
                ],
            )
            .await
            .assert_redirect(&record);
        operator
            .post(&record, &[("channel", "letter"), ("target", "p:nonsense"), ("body", "Źle.")])
            .await
            .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
            .assert_contains("id=\"target-error\"");

        // A new version: paragraph 2 edited, 3 removed, a new one added.
        let form = official.get(&staff_doc).await;
        form.assert_contains("Przepis przejściowy, który zostanie usunięty.");
        let version = "1";
        official
            .post(
                &staff_doc,
                &[("version", version), ("source", DRAFT_2), ("note", "Uwzględniono organizacje.")],
            )
            .await
            .assert_redirect(&format!("/staff/consultations/{slug}/documents"));
        // Someone else's save on the same version is refused; the text typed is kept.
        official
            .post(&staff_doc, &[("version", version), ("source", "Inna treść akapitu.")])
            .await
            .assert_status(StatusCode::CONFLICT)
            .assert_contains("Inna treść akapitu.");

        let second_page = resident.get(&second).await;
        second_page
            .assert_contains("Każdy mieszkaniec i każda organizacja")
            .assert_contains("Dopiszcie organizacje pozarządowe.")
            .assert_contains("Wcześniejsze wersje tego tekstu")
            .assert_contains("Akapit 2</h1>");
        let third_page = resident.get(&third).await;
        third_page
            .assert_contains("Ten akapit usunięto w wersji 2.")
            .assert_contains("Przepis przejściowy, który zostanie usunięty.")
            .assert_contains("Ten przepis jest zbędny.")
            .assert_lacks("name=\"body\"");
        resident
            .post(&format!("{third}/comments"), &[("body", "Jeszcze jedna uwaga.")])
            .await
            .assert_status(StatusCode::CONFLICT)
            .assert_contains(">Jeszcze jedna uwaga.</textarea>");
        let changes = resident.get(&format!("{doc}/versions/2")).await;
        changes
            .assert_contains("Uwzględniono organizacje.")
            .assert_contains("<del class=\"diff\"><span class=\"visually-hidden\">usunięto: </span>Przepis przejściowy")
            .assert_contains("i każda organizacja</ins>")
            .assert_contains("Raport publikuje się w ciągu 30 dni.</ins>");
        resident
            .get(&format!("{doc}/versions/3"))
            .await
            .assert_status(StatusCode::NOT_FOUND);
        // Labels on the consultation's list follow the new numbering; the removed paragraph
        // is named as removed.
        let all = resident.get(&format!("/consultations/{slug}")).await;
        all.assert_contains("Projekt uchwały — Akapit 2")
            .assert_contains("Projekt uchwały — Usunięty akapit")
            .assert_contains("Projekt uchwały (cały dokument)");
        // Residents cannot write versions.
        resident
            .post(&staff_doc, &[("version", "2"), ("source", DRAFT)])
            .await
            .assert_status(StatusCode::FORBIDDEN);
        // Once closed, documents are fixed.
        clock.set(day(29));
        official
            .post(&staff_doc, &[("version", "2"), ("source", DRAFT)])
            .await
            .assert_status(StatusCode::CONFLICT);
    })
    .await;
}

/// The ids of the comments listed on a staff answering page, in order.
fn comment_ids(body: &str) -> Vec<String> {
    body.split("name=\"comment\" value=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn answers_are_drafts_until_the_report_publishes_them_all_at_once() {
    on_clock(|clock| async move {
        let app = TestApp::new().await;
        let (mut official, _) = app.logged_in("urzednik@um.krakow.pl", Role::Official).await;
        let unit = unit_id(&app, "WD").await;
        let path = create(&mut official, &with_methods(&unit, &["comments", "paper"])).await;
        official.post(&format!("{path}/publish"), &[]).await;
        let slug = path.rsplit('/').next().unwrap().to_owned();
        let public = format!("/consultations/{slug}");
        clock.set(day(10));
        let (mut anna, _) = app.logged_in("anna@example.pl", Role::Resident).await;
        let (mut piotr, _) = app.logged_in("piotr@example.pl", Role::Resident).await;
        for (who, text) in [
            (0, "Więcej zieleni przy szkołach."),
            (1, "Więcej drzew przy szkołach."),
            (0, "Konsultacje także w soboty."),
        ] {
            let b = if who == 0 { &mut anna } else { &mut piotr };
            b.post(&format!("{public}/comments"), &[("body", text)])
                .await
                .assert_status(StatusCode::SEE_OTHER);
        }
        let (mut operator, _) = app.logged_in("operator@um.krakow.pl", Role::Operator).await;
        operator
            .post(
                &format!("/staff/consultations/{slug}/comments"),
                &[
                    ("channel", "paper"),
                    ("body", "Zieleń przy szkołach to priorytet."),
                ],
            )
            .await
            .assert_status(StatusCode::SEE_OTHER);

        let answers = format!("/staff/consultations/{slug}/answers");
        let page = operator.get(&answers).await;
        page.assert_contains("4 uwagi czekają na odpowiedź.")
            .assert_contains("Dotychczasowy udział – 3 uczestników")
            .assert_contains("<th scope=\"row\">na papierze</th><td>1</td><td>25</td>")
            .assert_lacks("Raport trzeba opublikować")
            .assert_contains("jej autor zgłosił 2 uwagi");
        let ids = comment_ids(&page.body);
        assert_eq!(ids.len(), 4);
        // Staff of another city unit do not answer this unit's consultation.
        let (mut other_unit, _) = app.logged_in("zdmk@um.krakow.pl", Role::UnitStaff).await;
        other_unit
            .get(&answers)
            .await
            .assert_status(StatusCode::OK)
            .assert_lacks("name=\"justification\"");
        other_unit
            .post(
                &answers,
                &[
                    ("comment", &ids[0]),
                    ("disposition", "accepted"),
                    ("justification", "Nie nasza sprawa."),
                ],
            )
            .await
            .assert_status(StatusCode::FORBIDDEN);
        // Nothing ticked, no justification: both named, nothing written.
        operator
            .post(&answers, &[("disposition", "accepted")])
            .await
            .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
            .assert_contains("Zaznacz co najmniej jedną uwagę")
            .assert_contains("id=\"justification-error\"");
        // Two comments, one answer.
        let just = "Plan zakłada 300 nowych drzew przy szkołach w 2027 r.";
        operator
            .post(
                &answers,
                &[
                    ("comment", &ids[0]),
                    ("comment", &ids[1]),
                    ("disposition", "accepted"),
                    ("justification", just),
                ],
            )
            .await
            .assert_redirect(&format!("{answers}?show=unanswered"));
        // Drafts: staff see them, nobody else does.
        operator
            .get(&format!("{answers}?show=answered"))
            .await
            .assert_contains(just)
            .assert_contains("Wersja robocza");
        let seen = anna.get(&public).await;
        seen.assert_lacks(just).assert_lacks("Odpowiedź miasta");
        anna.get("/my").await.assert_lacks(just);
        anna.get(&format!("{public}/report"))
            .await
            .assert_status(StatusCode::NOT_FOUND);
        // The paper comment gets the same answer, reused.
        let written = operator.get(&answers).await;
        let answer_id = written
            .body
            .split("?show=")
            .filter_map(|s| s.split('"').next())
            .find(|s| s.len() == 36)
            .unwrap()
            .to_owned();
        operator
            .post(&answers, &[("comment", &ids[3]), ("answer", &answer_id)])
            .await
            .assert_status(StatusCode::SEE_OTHER);
        // A comment of another consultation cannot be slipped in: nothing is written.
        operator
            .post(
                &answers,
                &[
                    ("comment", &ids[2]),
                    ("comment", "00000000-0000-7000-8000-000000000000"),
                    ("disposition", "not_accepted"),
                    ("justification", "Nie dotyczy."),
                ],
            )
            .await
            .assert_status(StatusCode::CONFLICT);
        // While open the report cannot be published; closed, not with a comment unanswered.
        official
            .post(&format!("/staff/consultations/{slug}/report"), &[])
            .await
            .assert_status(StatusCode::CONFLICT);
        clock.set(day(29));
        official
            .post(&format!("/staff/consultations/{slug}/report"), &[])
            .await
            .assert_status(StatusCode::CONFLICT)
            .assert_contains("Niektóre uwagi nie mają jeszcze odpowiedzi");
        operator
            .post(
                &answers,
                &[
                    ("comment", &ids[2]),
                    ("disposition", "partly_accepted"),
                    ("justification", "Dyżury w soboty raz w miesiącu."),
                ],
            )
            .await
            .assert_status(StatusCode::SEE_OTHER);
        operator
            .get(&answers)
            .await
            .assert_contains("0 uwag czeka na odpowiedź.")
            .assert_lacks("action=\"/staff/consultations/{slug}/report\"");
        // Five days before the report is due, the staff's pages warn.
        clock.set(day(25) + chrono::Duration::days(31) + chrono::Duration::hours(11));
        for page in ["/staff/consultations", "/staff/queue"] {
            operator
                .get(page)
                .await
                .assert_contains("Raporty z konsultacji do opublikowania")
                .assert_contains("(za 5 dni)");
        }
        clock.set(day(29));
        // Only officials publish the report.
        operator
            .post(&format!("/staff/consultations/{slug}/report"), &[])
            .await
            .assert_status(StatusCode::FORBIDDEN);
        official
            .get(&answers)
            .await
            .assert_contains(&format!("action=\"/staff/consultations/{slug}/report\""));
        official
            .post(&format!("/staff/consultations/{slug}/report"), &[])
            .await
            .assert_redirect(&format!("{public}/report"));
        operator
            .get("/staff/consultations")
            .await
            .assert_lacks("Raporty z konsultacji do opublikowania");
        // The report is a dataset in the open-data catalogue.
        let slug_only = public.rsplit('/').next().unwrap();
        app.browser()
            .get("/opendata")
            .await
            .assert_contains(&format!("{public}/downloads/report.ods"));
        let catalog = app.browser().get("/opendata/catalog.jsonld").await;
        let doc: serde_json::Value = serde_json::from_str(&catalog.body).unwrap();
        let report = doc["dcat:dataset"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["dct:identifier"] == format!("consultation-report-{slug_only}"))
            .expect("the report in the catalogue");
        assert_eq!(report["dcat:distribution"].as_array().unwrap().len(), 2);

        // All at once: every answer public, in the report, in "My city".
        let report = anna.get(&format!("{public}/report")).await;
        report
            .assert_contains(just)
            .assert_contains("Dyżury w soboty raz w miesiącu.")
            .assert_contains("Częściowo uwzględniona")
            .assert_contains("3 uczestników")
            .assert_contains("4 uwagi")
            .assert_contains("na papierze")
            .assert_lacks("anna@example.pl")
            .assert_lacks("Wersja robocza");
        anna.get("/my").await.assert_contains(just);
        let csv = anna.get(&format!("{public}/downloads/report.csv")).await;
        csv.assert_status(StatusCode::OK);
        assert!(csv.header("content-type").unwrap().starts_with("text/csv"));
        let lines: Vec<&str> = csv.body.lines().collect();
        assert_eq!(lines.len(), 5, "{}", csv.body);
        assert!(lines[0].starts_with("Lp.,Data,Forma zgłoszenia"));
        assert!(
            lines[1].contains("Więcej zieleni przy szkołach.") && lines[1].contains("Uwzględniona")
        );
        let ods = anna.get(&format!("{public}/downloads/report.ods")).await;
        ods.assert_status(StatusCode::OK)
            .assert_contains("mimetypeapplication/vnd.oasis.opendocument.spreadsheet")
            .assert_contains("<text:p>Konsultacje także w soboty.</text:p>");
        assert!(ods.body.starts_with("PK"));
        // Participants with accounts are told, once each.
        let told = app.emails_to("anna@example.pl").await;
        assert_eq!(told.len(), 1);
        assert!(told[0].body_text.contains(&format!("{public}/report")));
        assert_eq!(app.emails_to("piotr@example.pl").await.len(), 1);
        // Published answers are final.
        operator
            .post(
                &format!("{answers}/{answer_id}"),
                &[
                    ("disposition", "not_accepted"),
                    ("justification", "Zmiana zdania."),
                ],
            )
            .await
            .assert_status(StatusCode::CONFLICT);
        official
            .post(&format!("/staff/consultations/{slug}/report"), &[])
            .await
            .assert_status(StatusCode::CONFLICT);
    })
    .await;
}

#[tokio::test]
async fn answer_templates_are_shared_by_every_consultation_and_what_is_typed_wins() {
    on_clock(|clock| async move {
        let app = TestApp::new().await;
        let (mut official, _) = app.logged_in("urzednik@um.krakow.pl", Role::Official).await;
        // Officials keep the templates; a problem in each field is named, the rest kept.
        let templates = "/staff/answer-templates";
        official
            .get(templates)
            .await
            .assert_contains("Nie ma jeszcze szablonów.");
        official
            .post(
                templates,
                &[
                    ("title", ""),
                    ("disposition", "not_applicable"),
                    (
                        "justification",
                        "Uwaga wykracza poza przedmiot projektu uchwały.",
                    ),
                ],
            )
            .await
            .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
            .assert_contains("id=\"title-error\"")
            .assert_contains("Uwaga wykracza poza przedmiot projektu uchwały.</textarea>");
        official
            .post(
                templates,
                &[
                    ("title", "Poza przedmiotem"),
                    ("disposition", "not_applicable"),
                    (
                        "justification",
                        "Uwaga wykracza poza przedmiot projektu uchwały.",
                    ),
                ],
            )
            .await
            .assert_redirect(templates);
        let list = official.get(templates).await;
        list.assert_contains("Poza przedmiotem");
        let template = list
            .body
            .split("href=\"/staff/answer-templates/")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .to_owned();
        // Operators answer with them but do not keep them.
        let (mut operator, _) = app.logged_in("operator@um.krakow.pl", Role::Operator).await;
        operator
            .get(templates)
            .await
            .assert_status(StatusCode::FORBIDDEN);

        let unit = unit_id(&app, "WD").await;
        let path = create(&mut official, &with_methods(&unit, &["comments"])).await;
        official.post(&format!("{path}/publish"), &[]).await;
        let slug = path.rsplit('/').next().unwrap().to_owned();
        clock.set(day(10));
        let (mut anna, _) = app.logged_in("anna@example.pl", Role::Resident).await;
        for text in ["Proszę o nowy most na Wiśle.", "I o metro do Nowej Huty."] {
            anna.post(
                &format!("/consultations/{slug}/comments"),
                &[("body", text)],
            )
            .await
            .assert_status(StatusCode::SEE_OTHER);
        }
        let answers = format!("/staff/consultations/{slug}/answers");
        let page = operator.get(&answers).await;
        page.assert_contains("<option value=\"\" selected>bez szablonu</option>")
            .assert_contains(&format!(
                "<option value=\"{template}\">Poza przedmiotem</option>"
            ));
        let ids = comment_ids(&page.body);
        assert_eq!(ids.len(), 2);
        // Blank fields come from the template.
        operator
            .post(&answers, &[("comment", &ids[0]), ("template", &template)])
            .await
            .assert_redirect(&format!("{answers}?show=unanswered"));
        // What is typed wins over the template.
        operator
            .post(
                &answers,
                &[
                    ("comment", &ids[1]),
                    ("template", &template),
                    (
                        "justification",
                        "Metro nie jest przedmiotem tej uchwały; zob. studium.",
                    ),
                ],
            )
            .await
            .assert_redirect(&format!("{answers}?show=unanswered"));
        // A template that is not there: named, nothing written.
        operator
            .post(
                &answers,
                &[
                    ("comment", &ids[0]),
                    ("template", "not-a-template"),
                    ("show", "all"),
                ],
            )
            .await
            .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
            .assert_contains("id=\"template-error\"");
        let all = operator.get(&format!("{answers}?show=all")).await;
        all.assert_contains("Uwaga wykracza poza przedmiot projektu uchwały.")
            .assert_contains("Metro nie jest przedmiotem tej uchwały; zob. studium.")
            .assert_contains("Nie dotyczy");
        // Changing or deleting the template leaves the answers given.
        let edit = format!("{templates}/{template}");
        official
            .post(
                &edit,
                &[
                    ("action", "save"),
                    ("title", "Poza przedmiotem uchwały"),
                    ("disposition", "maybe"),
                    ("justification", "Nowe brzmienie."),
                ],
            )
            .await
            .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
            .assert_contains("id=\"disposition-error\"")
            .assert_contains("value=\"Poza przedmiotem uchwały\"");
        official
            .post(
                &edit,
                &[
                    ("action", "save"),
                    ("title", "Poza przedmiotem uchwały"),
                    ("disposition", "not_applicable"),
                    ("justification", "Nowe brzmienie."),
                ],
            )
            .await
            .assert_redirect(templates);
        official
            .post(&edit, &[("action", "delete")])
            .await
            .assert_redirect(templates);
        official
            .get(&edit)
            .await
            .assert_status(StatusCode::NOT_FOUND);
        operator
            .get(&format!("{answers}?show=all"))
            .await
            .assert_contains("Uwaga wykracza poza przedmiot projektu uchwały.")
            .assert_lacks("Nowe brzmienie.")
            .assert_lacks("bez szablonu");
        let audit =
            miasto_store::audit::list(&app.db.db, &Default::default(), miasto_store::Page::first())
                .await
                .unwrap();
        let actions: Vec<_> = audit.items.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(
            actions
                .iter()
                .filter(|a| **a == "consultation_template_saved")
                .count(),
            2
        );
        assert!(actions.contains(&"consultation_template_deleted"));
    })
    .await;
}
