//! One rule on every channel: the same report cases go through the web form, the hotline,
//! the JSON API and Open311, and each channel gives the same verdict — accepted, or refused
//! for the same reasons (issue 14). The verdicts come from the channels' own answers: the
//! API's error codes, and for the others the messages their pages and error lists show.

use crate::harness::{Browser, TestApp, TestResponse, multipart};
use axum::body::Body;
use axum::http::StatusCode;
use miasto_domain::{Locale, Role};
use std::collections::BTreeSet;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Verdict {
    Accepted,
    Refused(BTreeSet<&'static str>),
}

fn refused(codes: &[&'static str]) -> Verdict {
    Verdict::Refused(codes.iter().copied().collect())
}

/// A report as any channel would carry it.
#[derive(Debug, Clone)]
struct Case {
    name: &'static str,
    category: &'static str,
    point: Option<(&'static str, &'static str)>,
    address: String,
    description: String,
    /// (question, value) pairs.
    answers: Vec<(&'static str, &'static str)>,
    email: &'static str,
    consent: bool,
    expect: Verdict,
}

const DESCRIPTION: &str = "Dziura w jezdni przy przystanku tramwajowym";

fn case(name: &'static str, expect: Verdict) -> Case {
    Case {
        name,
        category: "problem.roads",
        point: None,
        address: "ul. Karmelicka 20".into(),
        description: DESCRIPTION.into(),
        answers: Vec::new(),
        email: "",
        consent: false,
        expect,
    }
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            address: String::new(),
            ..case("no place", refused(&["location_missing"]))
        },
        case("address only", Verdict::Accepted),
        Case {
            point: Some(("50.0617", "19.9373")),
            address: String::new(),
            ..case("point in the city", Verdict::Accepted)
        },
        Case {
            point: Some(("52.2297", "21.0122")),
            address: String::new(),
            ..case("point outside the city", refused(&["outside_city"]))
        },
        Case {
            category: "problem.nothing",
            ..case("unknown category", refused(&["category_unknown"]))
        },
        Case {
            category: "problem.tree-felling",
            ..case(
                "a required question unanswered",
                refused(&["answer_missing"]),
            )
        },
        Case {
            category: "problem.tree-felling",
            answers: vec![("danger", "people")],
            ..case("the category's question answered", Verdict::Accepted)
        },
        Case {
            category: "problem.tree-felling",
            answers: vec![("danger", "aliens")],
            ..case(
                "an answer not among the choices",
                refused(&["answer_not_a_choice"]),
            )
        },
        Case {
            email: "jan@example.pl",
            ..case("contact without consent", refused(&["consent_required"]))
        },
        Case {
            email: "jan@example.pl",
            consent: true,
            ..case("contact with consent", Verdict::Accepted)
        },
        Case {
            description: "d".repeat(5001),
            ..case("too long a description", refused(&["too_long"]))
        },
        Case {
            address: "a".repeat(301),
            ..case("too long an address", refused(&["too_long"]))
        },
        Case {
            description: "krótko".into(),
            email: "jan@example.pl",
            ..case(
                "several problems at once",
                refused(&["too_short", "consent_required"]),
            )
        },
    ]
}

/// Every code a case may expect, with the message the pages show for it.
fn candidates(question: &str) -> Vec<(&'static str, String)> {
    let t = |id: &str| miasto_web::i18n::t(Locale::Pl, id);
    let answer = |code: &str| {
        miasto_web::i18n::t_args(
            Locale::Pl,
            &format!("report-answer-{code}"),
            &[("question", question)],
        )
    };
    vec![
        ("location_missing", t("error-location_missing")),
        ("outside_city", t("error-outside_city")),
        ("category_unknown", t("error-category_unknown")),
        ("answer_missing", answer("answer_missing")),
        ("answer_not_a_choice", answer("answer_not_a_choice")),
        ("consent_required", t("error-consent_required")),
        ("too_long", t("error-too_long")),
        ("too_short", t("error-too_short")),
    ]
}

fn unescape(html: &str) -> String {
    html.replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}

/// The codes whose messages a page or an error list shows.
fn shown(body: &str, candidates: &[(&'static str, String)]) -> Verdict {
    let body = unescape(body);
    Verdict::Refused(
        candidates
            .iter()
            .filter(|(_, message)| body.contains(message.as_str()))
            .map(|(code, _)| *code)
            .collect(),
    )
}

struct Channels<'a> {
    app: &'a TestApp,
    resident: Browser<'a>,
    operator: Browser<'a>,
    api_key: String,
    ids: std::collections::BTreeMap<String, (String, &'static str)>,
    question: String,
}

impl<'a> Channels<'a> {
    async fn new(app: &'a TestApp) -> Self {
        let categories = miasto_store::reference::list_categories(&app.db.db)
            .await
            .unwrap();
        let question = categories
            .iter()
            .find(|c| c.code.as_str() == "problem.tree-felling")
            .unwrap()
            .questions
            .iter()
            .find(|q| q.code.as_str() == "danger")
            .unwrap()
            .text
            .pl
            .clone();
        let ids = categories
            .iter()
            .map(|c| {
                (
                    c.code.as_str().to_owned(),
                    (c.id.to_string(), c.kind.as_str()),
                )
            })
            .collect();
        let (operator, _) = app.logged_in("kck@example.pl", Role::Operator).await;
        let api_key = miasto_store::api_clients::issue(&app.db.db, "Aplikacja", 10_000, None)
            .await
            .unwrap()
            .1;
        Self {
            app,
            resident: app.browser(),
            operator,
            api_key,
            ids,
            question,
        }
    }

    /// The category's id and kind as the web pages name it (an unknown code: a made-up id).
    fn web_category(&self, code: &str) -> (String, &'static str) {
        self.ids
            .get(code)
            .cloned()
            .unwrap_or_else(|| (uuid::Uuid::now_v7().to_string(), "problem"))
    }

    fn page_verdict(&self, res: &TestResponse, accepted: StatusCode) -> Verdict {
        if res.status == accepted {
            Verdict::Accepted
        } else {
            assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
            // The page's summary of what to correct (hints elsewhere may quote messages).
            let summary = res
                .body
                .split(r#"<div class="error-summary""#)
                .nth(1)
                .and_then(|rest| rest.split("</div>").next())
                .unwrap_or_else(|| panic!("no error summary: {}", res.body));
            shown(summary, &candidates(&self.question))
        }
    }

    /// The fields the web form and the hotline's page share, as their browsers send them.
    fn page_fields(
        c: &Case,
        category: String,
        first: Vec<(&'static str, String)>,
    ) -> Vec<(String, String)> {
        let (lat, lon) = c.point.unwrap_or(("", ""));
        let mut fields: Vec<(String, String)> = first
            .into_iter()
            .chain([
                ("category", category),
                ("lat", lat.to_owned()),
                ("lon", lon.to_owned()),
                ("address", c.address.clone()),
                ("description", c.description.clone()),
                ("contact_email", c.email.to_owned()),
                ("form_key", uuid::Uuid::now_v7().to_string()),
            ])
            .map(|(k, v)| (k.to_owned(), v))
            .collect();
        if c.consent {
            fields.push(("consent".into(), "on".into()));
        }
        for (q, v) in &c.answers {
            fields.push((format!("answer.{q}"), (*v).to_owned()));
        }
        fields
    }

    async fn web(&mut self, c: &Case) -> Verdict {
        let (category, kind) = self.web_category(c.category);
        let fields = Self::page_fields(c, category, vec![("kind", kind.to_owned())]);
        let fields: Vec<(&str, &str)> = fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let res = self.resident.post_multipart("/reports", &fields, &[]).await;
        self.page_verdict(&res, StatusCode::SEE_OTHER)
    }

    async fn hotline(&mut self, c: &Case) -> Verdict {
        let (category, _) = self.web_category(c.category);
        let fields = Self::page_fields(
            c,
            category.clone(),
            vec![("channel", "phone".to_owned()), ("questions_for", category)],
        );
        let fields: Vec<(&str, &str)> = fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let res = self.operator.post("/staff/intake", &fields).await;
        self.page_verdict(&res, StatusCode::SEE_OTHER)
    }

    async fn api(&mut self, c: &Case) -> Verdict {
        let (lat, lon) = c.point.unwrap_or(("", ""));
        let answers: serde_json::Map<String, serde_json::Value> = c
            .answers
            .iter()
            .map(|(q, v)| ((*q).to_owned(), serde_json::json!([v])))
            .collect();
        let answers = serde_json::Value::Object(answers).to_string();
        let mut fields = vec![
            ("category", c.category),
            ("description", c.description.as_str()),
            ("address", c.address.as_str()),
            ("answers", answers.as_str()),
            ("consent", if c.consent { "true" } else { "false" }),
        ];
        if !lat.is_empty() {
            fields.extend([("lat", lat), ("lon", lon)]);
        }
        if !c.email.is_empty() {
            fields.push(("contact_email", c.email));
        }
        let (content_type, body) = multipart(&fields, &[]);
        let res = self
            .app
            .browser()
            .request(
                "POST",
                "/api/v1/reports",
                &[("content-type", content_type.as_str())],
                Body::from(body),
            )
            .await;
        if res.status == StatusCode::CREATED {
            return Verdict::Accepted;
        }
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
        let value: serde_json::Value = serde_json::from_str(&res.body).unwrap();
        let codes: BTreeSet<String> = value["error"]["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["code"].as_str().unwrap().to_owned())
            .collect();
        Verdict::Refused(
            candidates("")
                .into_iter()
                .map(|(code, _)| code)
                .filter(|code| codes.contains(*code))
                .collect(),
        )
    }

    async fn open311(&mut self, c: &Case) -> Verdict {
        let mut fields: Vec<(String, String)> = vec![
            ("api_key".into(), self.api_key.clone()),
            ("service_code".into(), c.category.to_owned()),
            ("description".into(), c.description.clone()),
            ("address_string".into(), c.address.clone()),
        ];
        if let Some((lat, lon)) = c.point {
            fields.extend([
                ("lat".into(), lat.to_owned()),
                ("long".into(), lon.to_owned()),
            ]);
        }
        if !c.email.is_empty() {
            fields.push(("email".into(), c.email.to_owned()));
        }
        if c.consent {
            fields.push(("consent".into(), "true".into()));
        }
        for (q, v) in &c.answers {
            fields.push((format!("attribute[{q}][]"), (*v).to_owned()));
        }
        let body = serde_urlencoded::to_string(&fields).unwrap();
        let res = self
            .app
            .browser()
            .request(
                "POST",
                "/open311/v2/requests.json",
                &[("content-type", "application/x-www-form-urlencoded")],
                Body::from(body),
            )
            .await;
        if res.status == StatusCode::OK {
            return Verdict::Accepted;
        }
        assert_eq!(res.status, StatusCode::BAD_REQUEST, "{}", res.body);
        let value: serde_json::Value = serde_json::from_str(&res.body).unwrap();
        let descriptions: String = value
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["description"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
            .join("\n");
        shown(&descriptions, &candidates(&self.question))
    }
}

async fn stored(app: &TestApp) -> usize {
    miasto_store::reports::search(
        &app.db.db,
        &miasto_store::reports::ListFilter::default(),
        1000,
    )
    .await
    .unwrap()
    .len()
}

#[tokio::test]
async fn every_channel_gives_the_same_verdict_on_the_same_report() {
    let app = TestApp::new().await;
    let mut channels = Channels::new(&app).await;
    let mut accepted = 0;
    for c in cases() {
        let verdicts = [
            ("web form", channels.web(&c).await),
            ("hotline", channels.hotline(&c).await),
            ("JSON API", channels.api(&c).await),
            ("Open311", channels.open311(&c).await),
        ];
        for (channel, verdict) in &verdicts {
            assert_eq!(verdict, &c.expect, "{}: {channel}", c.name);
        }
        if c.expect == Verdict::Accepted {
            accepted += verdicts.len();
        }
        assert_eq!(stored(&app).await, accepted, "{}: reports written", c.name);
    }
}
