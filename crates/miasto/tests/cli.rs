//! The command-line interface that deployment scripts drive: its flags, exit codes and output
//! are a contract. Runs against SQLite, or PostgreSQL when MIASTO_TEST_DATABASE_URL is set.
#![expect(clippy::unwrap_used, reason = "test helpers fail loudly")]

use miasto_store::testing::TestDb;
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn miasto() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_miasto"));
    // Only what each test sets explicitly: never the developer's own MIASTO_* settings.
    for (key, _) in std::env::vars() {
        if key.starts_with("MIASTO_") {
            cmd.env_remove(key);
        }
    }
    cmd.env("RUST_LOG", "warn");
    cmd
}

fn run_with_stdin(mut cmd: Command, stdin: &str) -> Output {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[tokio::test]
async fn migrate_then_create_the_first_admin_from_standard_input() {
    let db = TestDb::empty().await;
    let out = miasto()
        .args(["migrate", "--database-url", &db.url])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout).trim(),
        "Database is up to date (18 districts)."
    );

    let mut create = miasto();
    create.args([
        "admin",
        "create-user",
        "--email",
        "Admin@Miasto.pl",
        "--role",
        "admin",
        "--password-stdin",
    ]);
    create.env("MIASTO_DATABASE_URL", &db.url);
    let out = run_with_stdin(create, "bardzo-dlugie-haslo\n");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let last = text(&out.stdout);
    assert!(
        last.trim()
            .starts_with("Created admin account admin@miasto.pl"),
        "{last}"
    );

    let email = miasto_domain::Email::parse("admin@miasto.pl").unwrap();
    let (user, hash) = miasto_store::accounts::find_for_login(&db.db, &email)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(user.role, miasto_domain::Role::Admin);
    assert!(user.is_confirmed());
    assert!(miasto_store::accounts::verify_password("bardzo-dlugie-haslo", Some(&hash)).await);
    let log = miasto_store::audit::list(&db.db, &Default::default(), miasto_store::Page::first())
        .await
        .unwrap();
    assert!(
        log.items
            .iter()
            .any(|e| e.action == "user_created" && e.actor_id.is_none())
    );

    // The same address again is refused with a clear message and a failing exit code.
    let mut again = miasto();
    again.args([
        "admin",
        "create-user",
        "--database-url",
        &db.url,
        "--email",
        "admin@miasto.pl",
        "--role",
        "admin",
        "--password-stdin",
    ]);
    let out = run_with_stdin(again, "bardzo-dlugie-haslo\n");
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("already exists"),
        "{}",
        text(&out.stderr)
    );
}

#[tokio::test]
async fn create_user_explains_bad_arguments() {
    let db = TestDb::empty().await;
    let cases: [(&[&str], &str, &str); 4] = [
        (
            &["--email", "x@miasto.pl", "--role", "mayor"],
            "dlugie-haslo-123\n",
            "--role must be one of",
        ),
        (
            &["--email", "not-an-address", "--role", "admin"],
            "dlugie-haslo-123\n",
            "--email",
        ),
        (
            &["--email", "x@miasto.pl", "--role", "admin"],
            "short\n",
            "at least 10 characters",
        ),
        (
            &["--email", "x@miasto.pl", "--role", "unit_staff"],
            "dlugie-haslo-123\n",
            "--unit",
        ),
    ];
    for (args, password, message) in cases {
        let mut cmd = miasto();
        cmd.args([
            "admin",
            "create-user",
            "--database-url",
            &db.url,
            "--password-stdin",
        ])
        .args(args);
        let out = run_with_stdin(cmd, password);
        assert!(!out.status.success(), "{args:?}");
        assert!(
            text(&out.stderr).contains(message),
            "{args:?}: {}",
            text(&out.stderr)
        );
    }
    let mut staff = miasto();
    staff.args([
        "admin",
        "create-user",
        "--database-url",
        &db.url,
        "--password-stdin",
        "--email",
        "zzm@miasto.pl",
        "--role",
        "unit_staff",
        "--unit",
        "ZZM",
    ]);
    let out = run_with_stdin(staff, "dlugie-haslo-123\n");
    assert!(out.status.success(), "{}", text(&out.stderr));
}

fn http_get(addr: &str, path: &str) -> String {
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}

#[tokio::test]
async fn serve_prints_its_url_answers_and_stops_cleanly_on_sigterm() {
    let db = TestDb::empty().await;
    let files = tempfile::tempdir().unwrap();
    let mut child = miasto()
        .args(["serve", "--bind", "127.0.0.1:0", "--database-url", &db.url])
        .env("MIASTO_FILES_DIR", files.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let url = first
        .strip_prefix("Wspólne Miasto is running at ")
        .unwrap_or_else(|| panic!("{first}"));
    let addr = url.strip_prefix("http://").unwrap().to_owned();

    let health = http_get(&addr, "/healthz");
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    let home = http_get(&addr, "/");
    assert!(home.contains("<h1>Wspólne Miasto: Kraków</h1>"), "{home}");

    let kill = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "serve did not stop after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "graceful shutdown exits 0: {status}");
}

#[test]
fn production_refuses_to_start_with_development_defaults() {
    let out = miasto()
        .args(["serve", "--bind", "127.0.0.1:0"])
        .env("MIASTO_ENVIRONMENT", "production")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    for needle in [
        "MIASTO_SECRET",
        "MIASTO_BASE_URL",
        "MIASTO_SMTP_URL",
        "MIASTO_METRICS_TOKEN",
    ] {
        assert!(stderr.contains(needle), "{stderr}");
    }
    // Everything else in order, an open /metrics alone still stops production.
    let out = miasto()
        .args(["serve", "--bind", "127.0.0.1:0"])
        .env("MIASTO_ENVIRONMENT", "production")
        .env("MIASTO_SECRET", "s".repeat(40))
        .env("MIASTO_BASE_URL", "https://miasto.krakow.pl")
        .env("MIASTO_SMTP_URL", "smtps://u:p@smtp.krakow.pl")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("MIASTO_METRICS_TOKEN"), "{stderr}");
    assert!(!stderr.contains("MIASTO_SECRET"), "{stderr}");
    let bad = miasto()
        .args(["migrate", "--database-url", "mysql://nope"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(text(&bad.stderr).contains("database_url"));
}

#[tokio::test]
async fn demo_seed_adds_reports_the_way_the_city_has_them() {
    use miasto_domain::reports::Status;
    use miasto_store::reports::{self, ListFilter};
    let db = TestDb::empty().await;
    let seed = |n: &str| {
        miasto()
            .args(["demo", "seed", "--reports", n, "--days", "400"])
            .args(["--database-url", &db.url])
            .output()
            .unwrap()
    };
    let out = seed("1200");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout).trim(), "Added 1200 demo reports.");
    assert!(text(&out.stderr).contains("1200/1200 (100%)"), "progress");
    assert_eq!(reports::count(&db.db).await.unwrap(), 1200);

    // Every report is in a Kraków district, with a status its kind has, and the tallies the
    // queue shows agree with the reports.
    let all = reports::list(
        &db.db,
        &ListFilter::default(),
        miasto_store::Page::new(None, Some(100)),
    )
    .await
    .unwrap();
    let map = miasto_store::reference::district_map(&db.db).await.unwrap();
    for r in &all.items {
        assert!(map.locate(r.point.unwrap()).is_some(), "{}", r.number);
        assert!(Status::for_kind(r.kind).contains(&r.status), "{}", r.number);
    }
    let tallies = reports::count_by_status(&db.db, None).await.unwrap();
    assert_eq!(tallies.iter().map(|(_, n)| n).sum::<u64>(), 1200);
    let solved = tallies
        .iter()
        .find(|(s, _)| *s == Status::Solved)
        .map_or(0, |(_, n)| *n);
    // 80% problems, 60% of them solved, a few recent ones still open: roughly 45%.
    assert!((400..=640).contains(&solved), "{solved} solved");
    // Some residents answered "was it solved?" (a third of those with an e-mail, about 95
    // here), and the statistics count every answer.
    let answers = reports::feedback_totals(&db.db).await.unwrap();
    assert!((50..=150).contains(&answers.answered), "{answers:?}");
    assert!(answers.solved > answers.answered / 2, "{answers:?}");
    let now = miasto_store::now();
    let all_time = miasto_store::stats::Filter {
        period: miasto_domain::stats::Period {
            from: miasto_domain::stats::Month::of(now - chrono::Duration::days(401)),
            to: miasto_domain::stats::Month::of(now),
        },
        district: None,
        unit: None,
    };
    assert_eq!(
        miasto_store::stats::feedback(&db.db, &all_time)
            .await
            .unwrap(),
        (answers.answered, answers.solved, answers.score_sum)
    );

    // Adding more continues the numbering; nothing is numbered twice.
    let out = seed("10");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(reports::count(&db.db).await.unwrap(), 1210);
    let year = chrono::Datelike::year(&chrono::Utc::now());
    let last = reports::last_number(&db.db, year).await.unwrap();
    let this_year = ListFilter {
        created_from: Some(
            chrono::NaiveDate::from_ymd_opt(year - 1, 12, 31)
                .unwrap()
                .and_hms_opt(23, 0, 0)
                .unwrap()
                .and_utc(),
        ),
        ..Default::default()
    };
    let counted = reports::list(&db.db, &this_year, miasto_store::Page::first())
        .await
        .unwrap()
        .total;
    assert_eq!(u64::from(last), counted, "numbers run 1…n without gaps");
}

#[tokio::test]
async fn the_reports_benchmark_runs_end_to_end_and_prints_its_figures() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("bench.db").display());
    let out = miasto()
        .args(["bench", "reports", "--database-url", &url])
        .args([
            "--reports",
            "300",
            "--requests",
            "3",
            "--intake-seconds",
            "1",
        ])
        .args(["--clients", "4"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let report = text(&out.stdout);
    assert!(report.contains("reports in the database: 300"), "{report}");
    for row in [
        "| /reports | 3 |",
        "| /staff/queue (open, oldest first) | 3 |",
        "| /reports/{year}/{number} | 3 |",
        "| **unit queue, all mixes** | 33 |",
    ] {
        assert!(report.contains(row), "{row} in {report}");
    }
    assert!(report.contains("durable submissions/s"), "{report}");
}

#[tokio::test]
async fn the_statistics_benchmark_runs_end_to_end_and_prints_its_figures() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("bench-stats.db").display());
    let out = miasto()
        .args(["bench", "stats", "--database-url", &url])
        .args(["--reports", "500", "--requests", "3"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let report = text(&out.stdout);
    assert!(report.contains("reports in the database: 500"), "{report}");
    for row in [
        "| /stats (this year) | 3 |",
        "| /stats?period=year&unit={u} | 3 |",
        "| /stats/units.csv?period=year | 3 |",
    ] {
        assert!(report.contains(row), "{row} in {report}");
    }
    assert!(
        report.contains("through the router: first bytes after") && report.contains("500 rows"),
        "{report}"
    );
    assert!(report.contains("peak RSS"), "{report}");
}

#[test]
fn help_lists_the_subcommands() {
    let out = miasto().arg("--help").output().unwrap();
    let help = text(&out.stdout);
    for sub in [
        "serve", "worker", "migrate", "admin", "demo", "bench", "budget",
    ] {
        assert!(help.contains(sub), "{help}");
    }
}

#[tokio::test]
async fn api_keys_are_issued_listed_and_revoked_from_the_command_line() {
    let db = TestDb::empty().await;
    let run = |args: &[&str]| {
        let mut all = vec!["admin", "api-key"];
        all.extend_from_slice(args);
        all.extend_from_slice(&["--database-url", &db.url]);
        miasto().args(all).output().unwrap()
    };
    let out = run(&[
        "create",
        "--name",
        "ZDMK back-office",
        "--rate-limit",
        "500",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let key = stdout.lines().last().unwrap().to_owned();
    assert!(
        key.starts_with("mk_") && key.len() > 40,
        "the key is the last line: {stdout}"
    );
    let client = miasto_store::api_clients::authenticate(&db.db, &key)
        .await
        .unwrap()
        .expect("the printed key works");
    assert_eq!(
        (client.name.as_str(), client.rate_limit_per_hour),
        ("ZDMK back-office", 500)
    );

    let again = run(&["create", "--name", "ZDMK back-office"]);
    assert!(!again.status.success());
    assert!(
        text(&again.stderr).contains("already exists"),
        "{}",
        text(&again.stderr)
    );
    let bad = run(&["create", "--name", " ", "--rate-limit", "0"]);
    assert!(!bad.status.success());
    assert!(
        text(&bad.stderr).contains("--name"),
        "{}",
        text(&bad.stderr)
    );

    let list = run(&["list"]);
    let listed = text(&list.stdout);
    assert!(
        listed.contains("ZDMK back-office") && listed.contains("active"),
        "{listed}"
    );
    assert!(!listed.contains(&key), "the key is shown once only");

    let revoke = run(&["revoke", "--name", "ZDMK back-office"]);
    assert!(revoke.status.success(), "{}", text(&revoke.stderr));
    assert!(
        miasto_store::api_clients::authenticate(&db.db, &key)
            .await
            .unwrap()
            .is_none()
    );
    let log = miasto_store::audit::list(&db.db, &Default::default(), miasto_store::Page::first())
        .await
        .unwrap();
    let actions: Vec<&str> = log.items.iter().map(|e| e.action.as_str()).collect();
    assert!(actions.contains(&"api_key_issued") && actions.contains(&"api_key_revoked"));
}

#[tokio::test]
async fn open_data_exports_from_the_command_line_with_progress() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("export.db").display());
    let seeded = miasto()
        .args(["demo", "seed", "--reports", "120", "--database-url", &url])
        .output()
        .unwrap();
    assert!(seeded.status.success(), "{}", text(&seeded.stderr));
    let file = dir.path().join("reports.csv");
    let out = miasto()
        .args(["opendata", "export", "reports", "--database-url", &url])
        .args(["--output", file.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("exported 120 rows (100%)"),
        "{}",
        text(&out.stderr)
    );
    let csv = std::fs::read_to_string(&file).unwrap();
    assert_eq!(csv.trim_end().split("\r\n").count(), 121);
    assert!(!csv.contains("example.invalid"), "contact addresses leaked");

    let out = miasto()
        .args([
            "opendata", "export", "daily", "--format", "json", "--kind", "idea",
        ])
        .args(["--database-url", &url])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let daily: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let received: u64 = daily
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["received"].as_u64().unwrap())
        .sum();
    assert!(received > 0 && received < 120, "{received}");

    let out = miasto()
        .args(["opendata", "export", "daily", "--format", "geojson"])
        .args(["--database-url", &url])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("daily is not offered as \"geojson\""),
        "{}",
        text(&out.stderr)
    );
    let out = miasto()
        .args(["opendata", "export", "reports", "--district", "99"])
        .args(["--database-url", &url])
        .output()
        .unwrap();
    assert!(
        text(&out.stderr).contains("--district cannot be used"),
        "{}",
        text(&out.stderr)
    );
}

fn pabulib(name: &str) -> String {
    format!("{}/../../data/pabulib/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// The file's own `selected` column, sorted by code point.
fn official(name: &str) -> String {
    let e = miasto_tally::pabulib::parse(&std::fs::read_to_string(pabulib(name)).unwrap()).unwrap();
    let mut out = String::new();
    for id in e.ids_sorted(&e.selected().unwrap()) {
        out.push_str(&id);
        out.push('\n');
    }
    out
}

#[test]
fn budget_count_prints_the_official_winners_one_per_line() {
    let name = "Poland_Wieliczka_2023_Green_Budget.pb";
    let out = miasto()
        .args(["budget", "count", &pabulib(name)])
        .args(["--rule", "mes-cost", "--completion", "add1"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), official(name));
    assert_eq!(text(&out.stdout).lines().count(), 30);
    assert!(out.stderr.is_empty(), "{}", text(&out.stderr));

    let name = "Poland_Krakow_2024_Krowodrza.pb";
    let out = miasto()
        .args(["budget", "count", &pabulib(name), "--explain"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), official(name));
    // The rounds go to standard error, so the list stays clean.
    let rounds = text(&out.stderr);
    assert!(
        rounds.contains("BO.D5.27/24: 2514 points, 933 voters, cost 95000 — funded"),
        "{rounds}"
    );
    assert!(rounds.contains("skipped: does not fit"), "{rounds}");
}

#[test]
fn budget_count_refuses_bad_input_with_a_clear_message() {
    let wieliczka = pabulib("Poland_Wieliczka_2023_Green_Budget.pb");
    let cases: [(&[&str], &str); 5] = [
        (
            &["--rule", "borda"],
            "--rule must be greedy, mes-cost or mes-approval",
        ),
        (
            &["--completion", "add1"],
            "applies to mes-cost and mes-approval",
        ),
        (
            &["--rule", "mes-cost", "--completion", "more"],
            "--completion must be add1 or greedy",
        ),
        (&["--budget", "lots"], "--budget"),
        (&["--exclusive", "24,999"], "no project \"999\""),
    ];
    for (args, message) in cases {
        let out = miasto()
            .args(["budget", "count", &wieliczka])
            .args(args)
            .output()
            .unwrap();
        assert!(!out.status.success(), "{args:?}");
        assert!(
            text(&out.stderr).contains(message),
            "{args:?}: {}",
            text(&out.stderr)
        );
        assert!(out.stdout.is_empty());
    }
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken.pb");
    std::fs::write(
        &broken,
        "META\nkey;value\nbudget;100\nPROJECTS\nproject_id;cost\na;x\n",
    )
    .unwrap();
    let out = miasto()
        .args(["budget", "count", broken.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("line 6: cost of a"),
        "{}",
        text(&out.stderr)
    );
    let out = miasto()
        .args(["budget", "count", "/nonexistent.pb"])
        .output()
        .unwrap();
    assert!(text(&out.stderr).contains("cannot read /nonexistent.pb"));
}

#[test]
fn budget_count_applies_a_budget_threshold_and_exclusive_projects() {
    let krowodrza = pabulib("Poland_Krakow_2024_Krowodrza.pb");
    let count = |args: &[&str]| {
        let out = miasto()
            .args(["budget", "count", &krowodrza])
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", text(&out.stderr));
        text(&out.stdout)
    };
    // 95,000 zł funds only the top project.
    assert_eq!(count(&["--budget", "95000"]), "BO.D5.27/24\n");
    // With the top two exclusive, the second is not funded.
    let all = count(&[]);
    assert!(all.contains("BO.D5.5/24\n"));
    let exclusive = count(&["--exclusive", "BO.D5.27/24,BO.D5.5/24"]);
    assert!(exclusive.contains("BO.D5.27/24\n") && !exclusive.contains("BO.D5.5/24\n"));
    // 10,000 voters is more than any project has: nothing is funded.
    assert_eq!(count(&["--min-votes", "10000"]), "");
}

#[test]
fn bench_budget_times_every_rule_and_writes_the_random_vote_for_pabutools() {
    let dir = tempfile::tempdir().unwrap();
    let written = dir.path().join("random.pb");
    let out = miasto()
        .args([
            "bench",
            "budget",
            "--voters",
            "3000",
            "--projects",
            "25",
            "--runs",
            "1",
        ])
        .args(["--file", &pabulib("Poland_Krakow_2024_Krowodrza.pb")])
        .args(["--write-random", written.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let table = text(&out.stdout);
    for rule in ["greedy", "mes-cost", "mes-approval", "mes-cost + add1"] {
        assert_eq!(
            table.matches(&format!("| {rule} |")).count(),
            2,
            "{rule} on both votes: {table}"
        );
    }
    // The Krowodrza row funds what the city funded.
    let funded = official("Poland_Krakow_2024_Krowodrza.pb").lines().count();
    let greedy_row = table
        .lines()
        .find(|l| l.starts_with("| Poland_Krakow_2024_Krowodrza.pb | greedy |"))
        .unwrap();
    assert_eq!(
        greedy_row.split('|').nth(4).unwrap().trim(),
        funded.to_string()
    );
    // The written vote reads back with 3,000 ballots and counts from the command line.
    let vote = miasto_tally::pabulib::parse(&std::fs::read_to_string(&written).unwrap()).unwrap();
    assert_eq!((vote.ballots.len(), vote.projects.len()), (3000, 25));
    let counted = miasto()
        .args([
            "budget",
            "count",
            written.to_str().unwrap(),
            "--rule",
            "mes-cost",
        ])
        .output()
        .unwrap();
    assert!(counted.status.success(), "{}", text(&counted.stderr));
    let row = table
        .lines()
        .find(|l| l.starts_with("| random 3000×25 | mes-cost |"))
        .unwrap();
    assert_eq!(
        row.split('|').nth(4).unwrap().trim(),
        text(&counted.stdout).lines().count().to_string()
    );
}

#[test]
fn budget_count_applies_the_files_own_vote_threshold_unless_told_otherwise() {
    let name = "Poland_Warszawa_2018_Bialoleka.pb";
    let count = |args: &[&str]| {
        let out = miasto()
            .args(["budget", "count", &pabulib(name)])
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", text(&out.stderr));
        text(&out.stdout).lines().count()
    };
    assert_eq!(
        text(
            &miasto()
                .args(["budget", "count", &pabulib(name)])
                .output()
                .unwrap()
                .stdout
        ),
        official(name)
    );
    // With money for everything: the file's threshold (828 voters) keeps some out, and an
    // explicit --min-votes 0 lets every project in.
    let plenty = ["--budget", "1000000000"];
    let e = miasto_tally::pabulib::parse(&std::fs::read_to_string(pabulib(name)).unwrap()).unwrap();
    let (_, votes) = e.scores();
    let over = votes.iter().filter(|&&v| v >= 828).count();
    assert!(over < e.projects.len());
    assert_eq!(count(&plenty), over);
    let mut none = plenty.to_vec();
    none.extend(["--min-votes", "0"]);
    assert_eq!(count(&none), e.projects.len());
}

#[tokio::test]
async fn budget_demo_builds_an_edition_from_the_real_krakow_projects() {
    use miasto_store::budget;
    let db = TestDb::empty().await;
    let demo = |args: &[&str]| {
        miasto()
            .args(["budget", "demo", "--data", &pabulib("")])
            .args(args)
            .args(["--database-url", &db.url])
            .output()
            .unwrap()
    };
    let out = demo(&[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("7 pools, 293 projects, voting open"),
        "{stdout}"
    );
    // The counting commission's three shares are printed, for counting later.
    assert_eq!(
        stdout.lines().filter(|l| l.starts_with("MIASTO-")).count(),
        3,
        "{stdout}"
    );
    let edition = budget::edition(&db.db, "demo").await.unwrap().unwrap();
    assert_eq!(
        edition.phase(chrono::Utc::now()),
        miasto_domain::budget::Phase::Voting
    );
    let pools = budget::pools(&db.db, edition.id).await.unwrap();
    assert_eq!(pools.len(), 7);
    assert!(pools[0].is_city_wide());
    assert_eq!(pools[0].budget, 9_200_000 * 100);
    let city = budget::ballot_projects(&db.db, pools[0].id).await.unwrap();
    assert_eq!(city.len(), 119);
    assert_eq!(city[0].code, "BO.OM.97/24");
    // Files that number projects 1, 2, … get the city's form of number.
    let podgorze = pools.iter().find(|p| p.name_pl == "XIII Podgórze").unwrap();
    let projects = budget::ballot_projects(&db.db, podgorze.id).await.unwrap();
    assert!(
        projects
            .iter()
            .all(|p| p.code.starts_with("BO.D13.") && p.code.ends_with("/20"))
    );

    let again = demo(&[]);
    assert_eq!(again.status.code(), Some(1));
    assert!(text(&again.stderr).contains("an edition demo exists already"));
    let bad = demo(&["--slug", "Zła Nazwa"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(text(&bad.stderr).contains("--slug must be"));
    let phase = demo(&["--phase", "later"]);
    assert!(
        text(&phase.stderr).contains("--phase must be verification, voting, counting or results")
    );
    let missing = miasto()
        .args(["budget", "demo", "--slug", "x", "--data", "/nonexistent"])
        .args(["--database-url", &db.url])
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(1));
    assert!(text(&missing.stderr).contains("cannot read /nonexistent/Poland_Krakow_2024.pb"));
}

#[tokio::test]
async fn consult_demo_builds_a_consultation_with_a_draft_a_survey_and_comments() {
    use miasto_store::consultations::{self as store, answers, documents, survey};
    let db = TestDb::empty().await;
    let out = miasto()
        .args(["consult", "demo", "--phase", "analysis", "--comments", "12"])
        .args(["--responses", "30", "--database-url", &db.url])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let slug = stdout
        .lines()
        .find_map(|l| l.strip_prefix("consultation: /consultations/"))
        .unwrap()
        .to_owned();
    let c = store::get_by_slug(&db.db, &slug).await.unwrap().unwrap();
    assert_eq!(
        c.phase(chrono::Utc::now()),
        miasto_domain::consultations::Phase::Analysis
    );
    let docs = documents::list(&db.db, c.id).await.unwrap();
    assert_eq!(docs[0].current_version, 2);
    let counts = documents::comment_counts(&db.db, docs[0].id).await.unwrap();
    assert!(counts.values().sum::<u64>() >= 8, "{counts:?}");
    assert_eq!(answers::unanswered(&db.db, c.id).await.unwrap(), 12);
    let tallies = survey::tallies(&db.db, c.id).await.unwrap();
    assert_eq!(tallies.get(survey::RESPONSES), Some(&30));
    // Meetings (the first with its minutes, being over) and duty hours cut into slots: the
    // seed's 08:00–15:00 in half hours.
    let meetings = store::meetings::meetings(&db.db, c.id).await.unwrap();
    assert_eq!(meetings.len(), 2);
    assert!(meetings[0].minutes.is_some() && meetings[1].minutes.is_none());
    let hours = store::meetings::duty_hours(&db.db, c.id).await.unwrap();
    let slots = store::meetings::slots(&db.db, hours[0].id).await.unwrap();
    assert_eq!((hours.len(), slots.len()), (2, 14));
    assert!(stdout.contains(&format!("/consultations/{slug}/documents/{}", docs[0].id)));
    let bad = miasto()
        .args([
            "consult",
            "demo",
            "--phase",
            "later",
            "--database-url",
            &db.url,
        ])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(1));
    assert!(text(&bad.stderr).contains("unknown phase"));
}

#[tokio::test]
async fn a_demo_edition_is_counted_offline_with_the_commissions_shares() {
    use miasto_store::budget;
    let db = TestDb::empty().await;
    let out = miasto()
        .args([
            "budget",
            "demo",
            "--data",
            &pabulib(""),
            "--slug",
            "liczenie",
        ])
        .args(["--phase", "counting", "--ballots", "300"])
        .args(["--database-url", &db.url])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("300 sealed ballots waiting for the count"),
        "{stdout}"
    );
    let shares: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with("MIASTO-"))
        .collect();
    assert_eq!(shares.len(), 3);
    let edition = budget::edition(&db.db, "liczenie").await.unwrap().unwrap();
    assert_eq!(
        budget::envelope_count(&db.db, edition.id).await.unwrap(),
        300
    );
    assert_eq!(
        budget::ballot_totals(&db.db, edition.id)
            .await
            .unwrap()
            .all(),
        0
    );

    let open = |stdin: String| {
        let mut cmd = miasto();
        cmd.args([
            "budget",
            "open",
            "--slug",
            "liczenie",
            "--database-url",
            &db.url,
        ]);
        run_with_stdin(cmd, &stdin)
    };
    // One share opens nothing; a mistyped one is named.
    let one = open(format!("{}\n", shares[0]));
    assert_eq!(one.status.code(), Some(1));
    assert!(
        text(&one.stderr).contains("2 shares are needed, 1 given"),
        "{}",
        text(&one.stderr)
    );
    // One digit of the share's data mistyped.
    let mut typo: Vec<char> = shares[2].chars().collect();
    let at = (0..typo.len() - 8)
        .rev()
        .find(|&i| typo[i].is_ascii_hexdigit())
        .unwrap();
    typo[at] = if typo[at] == 'A' { 'B' } else { 'A' };
    let typo: String = typo.into_iter().collect();
    let wrong = open(format!("{}\n{typo}\n", shares[1]));
    assert_eq!(wrong.status.code(), Some(1));
    assert!(
        text(&wrong.stderr).contains("(share no. 2 as given)"),
        "{}",
        text(&wrong.stderr)
    );
    assert_eq!(
        budget::envelope_count(&db.db, edition.id).await.unwrap(),
        300
    );

    let opened = open(format!("{}\n{}\n", shares[2], shares[0]));
    assert!(opened.status.success(), "{}", text(&opened.stderr));
    assert!(
        text(&opened.stdout).contains("Opened and counted 300 ballots of liczenie"),
        "{}",
        text(&opened.stdout)
    );
    assert!(text(&opened.stderr).contains("300 of 300 envelopes opened"));
    assert_eq!(budget::envelope_count(&db.db, edition.id).await.unwrap(), 0);
    assert_eq!(
        budget::ballot_totals(&db.db, edition.id)
            .await
            .unwrap()
            .all(),
        300
    );
    // Counted, not published: the results stay hidden.
    let edition = budget::edition(&db.db, "liczenie").await.unwrap().unwrap();
    assert!(edition.results_published_at.is_none());
    assert!(budget::results(&db.db, &edition).await.unwrap().is_empty());
    let again = open(format!("{}\n{}\n", shares[2], shares[0]));
    assert_eq!(again.status.code(), Some(1));
    assert!(text(&again.stderr).contains("cannot be counted now"));
}

/// The subcommands `miasto … --help` lists (without `help`).
fn subcommands(path: &[&str]) -> Vec<String> {
    let out = miasto().args(path).arg("--help").output().unwrap();
    let help = text(&out.stdout);
    help.split("Commands:")
        .nth(1)
        .map(|rest| {
            rest.split("\n\n")
                .next()
                .unwrap_or_default()
                .lines()
                .filter_map(|l| l.split_whitespace().next())
                .filter(|c| *c != "help")
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn the_module_docs_list_every_command_the_binary_has() {
    let docs: String = include_str!("../src/main.rs")
        .lines()
        .take_while(|l| l.starts_with("//!"))
        .collect::<Vec<_>>()
        .join("\n");
    let mut leaves = Vec::new();
    let mut stack: Vec<Vec<String>> = vec![Vec::new()];
    while let Some(path) = stack.pop() {
        let refs: Vec<&str> = path.iter().map(String::as_str).collect();
        let children = subcommands(&refs);
        if children.is_empty() {
            leaves.push(path);
        } else {
            for child in children {
                let mut next = path.clone();
                next.push(child);
                stack.push(next);
            }
        }
    }
    assert!(leaves.len() >= 15, "{leaves:?}");
    for leaf in leaves {
        let (parent, last) = leaf.split_at(leaf.len() - 1);
        let full = format!("`miasto {}", leaf.join(" "));
        // `a b c` / `d` lists siblings after the first.
        let sibling = format!("/ `{}`", last[0]);
        let listed = docs.contains(&full)
            || (docs.contains(&format!("`miasto {}", parent.join(" "))) && docs.contains(&sibling));
        assert!(
            listed,
            "src/main.rs's module docs do not list `miasto {}`",
            leaf.join(" ")
        );
    }
}

#[test]
fn consult_weigh_prints_each_cells_weight_and_names_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let cells = dir.path().join("cells.csv");
    let margins = dir.path().join("margins.json");
    // 80 women and 20 men answered (and 5 without a sex); the population is half and half.
    std::fs::write(
        &cells,
        "district,age,sex,count\n,,female,80\n,,male,20\n,,,5\n",
    )
    .unwrap();
    std::fs::write(&margins, r#"{"sex": {"female": 50000, "male": 50000}}"#).unwrap();
    let out = miasto()
        .args(["consult", "weigh"])
        .arg(&cells)
        .arg(&margins)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        "district,age,sex,weight\n,,female,0.625000000000\n,,male,2.500000000000\n"
    );
    let summary = text(&out.stderr);
    assert!(
        summary.contains("weighted 100 responses, left out 5; effective sample size 64.000"),
        "{summary}"
    );
    std::fs::write(&cells, "district,age,sex,count\n,,female,many\n").unwrap();
    let out = miasto()
        .args(["consult", "weigh"])
        .arg(&cells)
        .arg(&margins)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("line 2: count is not a whole number"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn analyse_comments_groups_copies_and_prints_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("comments.csv");
    let letter = "Sprzeciwiam się wycince drzew w parku Jordana. Park jest miejscem odpoczynku \
                  tysięcy mieszkańców, a stare drzewa chronią nas przed upałem.";
    std::fs::write(
        &file,
        format!(
            "id,author,text\n\
             a1,x,\"{letter}\"\n\
             a2,y,\"Dzień dobry, {letter}\nZ poważaniem, Jan \"\"Janek\"\" Nowak\"\n\
             a3,z,\"{}\"\n\
             b1,x,Proszę o częstsze kursy autobusu 152 rano.\n",
            letter.replace("tysięcy", "tysiecy")
        ),
    )
    .unwrap();
    let run = |format: &str| {
        let out = miasto()
            .args(["analyse", "comments"])
            .arg(&file)
            .args(["--format", format, "--threshold", "0.6", "--seed", "3"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", text(&out.stderr));
        text(&out.stdout)
    };
    let assignments = run("assignments");
    let lines: Vec<&str> = assignments.lines().collect();
    assert_eq!(lines[0], "comment_id,duplicate_group,topic_group");
    let ids: Vec<&str> = lines[1..]
        .iter()
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert_eq!(ids, ["a1", "a2", "a3", "b1"], "input order");
    let dup: Vec<&str> = lines[1..]
        .iter()
        .map(|l| l.split(',').nth(1).unwrap())
        .collect();
    assert_eq!(dup[0], dup[1]);
    assert_eq!(dup[0], dup[2]);
    assert_ne!(dup[0], dup[3]);
    let json: serde_json::Value = serde_json::from_str(&run("json")).unwrap();
    let groups = json["duplicate_groups"].as_array().unwrap();
    assert_eq!(groups[0]["members"], serde_json::json!(["a1", "a2", "a3"]));
    assert!(!json["topic_groups"].as_array().unwrap().is_empty());
    let csv = run("groups");
    assert!(csv.starts_with("kind,group,size,representative,similarity,key_phrases,members\n"));
    assert!(csv.contains("duplicate,d1,3,"), "{csv}");
    // The same seed, the same answer.
    assert_eq!(run("json"), run("json"));
}

#[test]
fn analyse_names_bad_input_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("in.csv");
    let fails = |args: &[&str], content: &[u8], expected: &str| {
        std::fs::write(&file, content).unwrap();
        let out = miasto().args(args).arg(&file).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = text(&out.stderr);
        assert!(err.contains(expected), "{args:?}: {err}");
    };
    let comments = &["analyse", "comments"];
    fails(comments, b"", "the file is empty");
    fails(comments, b"id,body\n1,hello\n", "line 1: no `text` column");
    fails(
        comments,
        b"id,text\n1,ok\n2,\xff\xfe\n",
        "line 3: not UTF-8 text",
    );
    fails(
        comments,
        b"id,text\n1,ok\n1,again\n",
        "line 3: id `1` repeats line 2",
    );
    fails(
        comments,
        b"id,text\n1,\"never closed\n",
        "line 2: a quoted field is not closed",
    );
    let votes = &["analyse", "votes"];
    fails(
        votes,
        b"participant,statement,vote\np1,s1,1\np1,s2,7\n",
        "line 3: vote `7` is not 1",
    );
    fails(votes, b"who,what\n", "no `participant` column");
    fails(
        votes,
        b"participant,statement,vote\n",
        "no votes after the header",
    );
    let out = miasto()
        .args(["analyse", "comments", "--threshold", "2"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("--threshold"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn analyse_votes_reads_both_formats_and_prints_the_documented_json() {
    let dir = tempfile::tempdir().unwrap();
    let generated = miasto()
        .args([
            "analyse",
            "generate",
            "votes",
            "--participants",
            "200",
            "--statements",
            "30",
            "--groups",
            "2",
        ])
        .output()
        .unwrap();
    assert!(generated.status.success(), "{}", text(&generated.stderr));
    let plain = dir.path().join("votes.csv");
    std::fs::write(&plain, &generated.stdout).unwrap();
    // The same votes in Pol.is's open-data layout (ids without prefixes, a timestamp).
    let mut polis = String::from("timestamp,datetime,comment-id,voter-id,vote\n");
    for (i, line) in text(&generated.stdout).lines().skip(1).enumerate() {
        let f: Vec<&str> = line.split(',').collect();
        polis.push_str(&format!("{},x,{},{},{}\n", 1000 + i, f[1], f[0], f[2]));
    }
    let polis_file = dir.path().join("polis.csv");
    std::fs::write(&polis_file, polis).unwrap();
    let run = |file: &std::path::Path, format: &str| {
        let out = miasto()
            .args(["analyse", "votes"])
            .arg(file)
            .args(["--format", format])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", text(&out.stderr));
        text(&out.stdout)
    };
    let a = run(&plain, "json");
    assert_eq!(
        a,
        run(&polis_file, "json"),
        "the two layouts give the same result"
    );
    let json: serde_json::Value = serde_json::from_str(&a).unwrap();
    let groups = json["groups"].as_array().unwrap();
    assert_eq!(groups.len(), 2);
    let rep = &groups[0]["representative"][0];
    for key in [
        "statement",
        "direction",
        "repness",
        "repness_test",
        "p_success",
        "p_test",
    ] {
        assert!(!rep[key].is_null(), "representative has {key}: {rep}");
    }
    assert!(rep["statement"].is_string());
    assert!(groups[0]["members"][0].is_string());
    assert!(json["consensus"]["agree"].is_array());
    assert!(json["consensus"]["disagree"].is_array());
    assert!(json["group_informed_consensus"].as_object().unwrap().len() == 30);
    let assignments = run(&plain, "assignments");
    assert!(assignments.starts_with("participant,group\n"));
    assert_eq!(assignments.lines().count(), 201);
}
