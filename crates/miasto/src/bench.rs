//! `miasto bench reports`: the contact centre at scale. Seeds the database up to the asked
//! number of reports (once; the file is kept for later runs), then measures through the real
//! router, in-process, everything but the network: the public list, the unit queue and a
//! report's page (latency percentiles), and report intake (durable submissions per second:
//! each counted only after its transaction committed with `synchronous=FULL`).

use crate::config::Config;
use anyhow::{Context, bail};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use miasto_domain::reports::TrackingNumber;
use miasto_domain::{Email, Locale, Password, Role, RoleAssignment};
use miasto_store::rate_limit::Limit;
use miasto_web::{AppState, Metrics, RateLimits, Secret, Services, WebConfig};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tower::ServiceExt;

pub struct Options {
    pub reports: u64,
    pub requests: usize,
    pub intake_seconds: u64,
    pub clients: usize,
}

pub(crate) struct Stats {
    name: String,
    samples: Vec<Duration>,
}

impl Stats {
    fn pct(&self, p: f64) -> f64 {
        let mut s = self.samples.clone();
        s.sort_unstable();
        let i = ((s.len() as f64 - 1.0) * p).round() as usize;
        s.get(i).map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    }
}

async fn get(
    router: &axum::Router,
    path: &str,
    cookie: Option<&str>,
) -> anyhow::Result<(StatusCode, Vec<u8>, Vec<String>)> {
    let mut req = Request::builder().uri(path);
    if let Some(cookie) = cookie {
        req = req.header(header::COOKIE, cookie);
    }
    let res = router.clone().oneshot(req.body(Body::empty())?).await?;
    let status = res.status();
    let cookies = res
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or_default().to_owned())
        .collect();
    let body = axum::body::to_bytes(res.into_body(), usize::MAX)
        .await?
        .to_vec();
    Ok((status, body, cookies))
}

pub(crate) async fn measure(
    router: &axum::Router,
    name: &str,
    paths: &[String],
    cookie: Option<&str>,
) -> anyhow::Result<Stats> {
    // Warm up caches (SQLite page cache, templates) the way a running server would be.
    for path in paths.iter().take(20) {
        get(router, path, cookie).await?;
    }
    let mut samples = Vec::with_capacity(paths.len());
    for path in paths {
        let started = Instant::now();
        let (status, _, _) = get(router, path, cookie).await?;
        samples.push(started.elapsed());
        if status != StatusCode::OK {
            bail!("{path} answered {status}");
        }
    }
    Ok(Stats {
        name: name.to_owned(),
        samples,
    })
}

/// Logs in through the router and returns the cookie header to send.
async fn login(router: &axum::Router, email: &str, password: &str) -> anyhow::Result<String> {
    let (_, _, cookies) = get(router, "/login", None).await?;
    let csrf = cookies
        .iter()
        .find_map(|c| c.strip_prefix("miasto_csrf="))
        .context("no CSRF cookie")?
        .to_owned();
    let body = serde_urlencoded::to_string([
        ("csrf", csrf.as_str()),
        ("email", email),
        ("password", password),
    ])?;
    let req = Request::post("/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::COOKIE, format!("miasto_csrf={csrf}"))
        .body(Body::from(body))?;
    let res = router.clone().oneshot(req).await?;
    let session = res
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("miasto_session="))
        .context("login failed")?
        .split(';')
        .next()
        .unwrap_or_default()
        .to_owned();
    Ok(format!("miasto_csrf={csrf}; {session}"))
}

/// The real router over `db`, with rate limits that never stop a benchmark.
pub(crate) async fn bench_router(
    db: &miasto_store::DatabaseConnection,
    city: &miasto_store::reference::CityData,
    files: &std::path::Path,
) -> anyhow::Result<axum::Router> {
    let unlimited = Limit {
        max: u32::MAX,
        window: Duration::from_secs(60),
    };
    let web = WebConfig {
        base_url: "http://bench.invalid".into(),
        secret: Secret::new("benchmark-secret-benchmark-secret"),
        trust_proxy: false,
        limits: RateLimits {
            reports_per_ip: unlimited,
            ..RateLimits::default()
        },
        outbox_mail: true,
        metrics_token: None,
        city_name: city.info.name.clone(),
        jurisdiction_id: city.info.jurisdiction_id.clone(),
        map_tiles: WebConfig::DEFAULT_MAP_TILES.into(),
        timeouts: Default::default(),
        consultation_minimums: Default::default(),
        request_thresholds: Default::default(),
    };
    let state = AppState::new(
        web,
        Services {
            db: db.clone(),
            jobs: miasto_store::jobs::Signal::default(),
            metrics: Metrics::new(),
            files: miasto_store::photos::FileStore::local(files)?,
            districts: miasto_store::reference::district_map(db).await?,
            geocoder: miasto_store::places::Geocoder::Off,
        },
    );
    Ok(miasto_web::router(state))
}

/// Seeds `db` up to `reports` with the demo generator (once; kept for later runs).
async fn seed_up_to(db: &miasto_store::DatabaseConnection, reports: u64) -> anyhow::Result<u64> {
    let have = miasto_store::reports::count(db).await?;
    if have < reports {
        eprintln!(
            "seeding {} reports (kept in the database for later runs)…",
            reports - have
        );
        let started = Instant::now();
        crate::demo::seed(db, reports - have, 730, 2026 + have).await?;
        eprintln!("seeded in {:.0} s", started.elapsed().as_secs_f64());
    }
    // Planner statistics as the worker's housekeeping keeps them.
    miasto_store::optimize(db).await?;
    Ok(miasto_store::reports::count(db).await?)
}

pub(crate) fn print_table(results: &[Stats]) {
    println!("| request | n | p50 ms | p95 ms | p99 ms | max ms |");
    println!("|---|---:|---:|---:|---:|---:|");
    for s in results.iter().filter(|s| !s.samples.is_empty()) {
        println!(
            "| {} | {} | {:.1} | {:.1} | {:.1} | {:.1} |",
            s.name.replace('|', "\\|"),
            s.samples.len(),
            s.pct(0.50),
            s.pct(0.95),
            s.pct(0.99),
            s.pct(1.0)
        );
    }
}

/// `miasto bench stats`: the statistics page and its CSV over `reports` reports.
pub async fn stats(config: &Config, reports: u64, requests: usize) -> anyhow::Result<()> {
    let (db, city) = crate::prepare_database(config, true).await?;
    let total = seed_up_to(&db, reports).await?;
    if miasto_store::stats::rebuild_if_empty(&db).await? {
        eprintln!("statistics counted from the reports");
    }
    let files = tempfile::tempdir()?;
    let router = bench_router(&db, &city, files.path()).await?;
    let districts = miasto_store::reference::list_districts(&db).await?;
    let units = miasto_store::reference::list_units(&db).await?;
    let year = chrono::Datelike::year(&miasto_store::now());
    let mut rng = StdRng::seed_from_u64(5);
    let mut pick = |len: usize| rng.random_range(0..len);
    let mixes: [Mix; 7] = [
        ("/stats (this year)", &|_| "/stats".to_owned()),
        ("/stats?period=half (last year, H1)", &|_| {
            format!("/stats?period=half&year={}&half=1", year - 1)
        }),
        ("/stats?period=month", &|pick| {
            format!(
                "/stats?period=month&year={}&month={}",
                year - 1,
                pick(12) + 1
            )
        }),
        ("/stats?period=year&district={d}", &|pick| {
            format!(
                "/stats?period=year&year={}&district={}",
                year - 1,
                districts[pick(districts.len())].id
            )
        }),
        ("/stats?period=year&unit={u}", &|pick| {
            format!(
                "/stats?period=year&year={}&unit={}",
                year - 1,
                units[pick(units.len())].id
            )
        }),
        ("/stats?period=custom (24 months)", &|_| {
            format!("/stats?period=custom&from={}-01&to={}-12", year - 1, year)
        }),
        ("/stats/units.csv?period=year", &|_| {
            format!("/stats/units.csv?period=year&year={}", year - 1)
        }),
    ];
    let mut results = Vec::new();
    for (name, make) in mixes {
        let paths: Vec<String> = (0..requests).map(|_| make(&mut pick)).collect();
        results.push(measure(&router, name, &paths, None).await?);
    }
    let streamed = stream_export(&router, "/opendata/reports.csv").await?;
    let child = export_in_child(config)?;
    println!("reports in the database: {total}");
    println!();
    print_table(&results);
    println!();
    println!(
        "open data, /opendata/reports.csv through the router: first bytes after {:.0} ms, {} rows ({:.0} MB) in {:.1} s = {:.0} rows/s",
        streamed.first_byte_ms,
        streamed.rows,
        streamed.bytes as f64 / 1e6,
        streamed.seconds,
        streamed.rows as f64 / streamed.seconds.max(0.001)
    );
    println!(
        "open data, `miasto opendata export reports` in its own process: {:.1} s, peak RSS {:.0} MB (of which its own memory, not the mapped database file: {:.0} MB)",
        child.0, child.1, child.2
    );
    Ok(())
}

pub(crate) struct Streamed {
    pub(crate) first_byte_ms: f64,
    pub(crate) rows: u64,
    pub(crate) bytes: u64,
    pub(crate) seconds: f64,
}

/// Reads a download frame by frame, keeping nothing: when the first bytes came, how much came.
pub(crate) async fn stream_export(router: &axum::Router, path: &str) -> anyhow::Result<Streamed> {
    use http_body_util::BodyExt;
    let started = Instant::now();
    let res = router
        .clone()
        .oneshot(Request::builder().uri(path).body(Body::empty())?)
        .await?;
    if res.status() != StatusCode::OK {
        bail!("{path} answered {}", res.status());
    }
    let mut body = res.into_body();
    let mut first_byte_ms = None;
    let (mut bytes, mut rows) = (0u64, 0u64);
    while let Some(frame) = body.frame().await {
        if let Ok(data) = frame?.into_data() {
            first_byte_ms.get_or_insert_with(|| started.elapsed().as_secs_f64() * 1000.0);
            bytes += data.len() as u64;
            rows += data.iter().filter(|b| **b == b'\n').count() as u64;
        }
    }
    Ok(Streamed {
        first_byte_ms: first_byte_ms.unwrap_or_default(),
        rows: rows.saturating_sub(1),
        bytes,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// Runs `miasto opendata export reports` on the same database as a child process, watching
/// its peak resident memory (Linux `VmHWM`, which also counts the pages of the memory-mapped
/// database file it has read) and the peak of its own memory (`RssAnon`: heap and stacks,
/// sampled every 50 ms). Returns (seconds, peak MB, peak own MB).
fn export_in_child(config: &Config) -> anyhow::Result<(f64, f64, f64)> {
    let started = Instant::now();
    let mut child = std::process::Command::new(std::env::current_exe()?)
        .args(["opendata", "export", "reports", "--output", "/dev/null"])
        .args(["--database-url", &config.database_url])
        .stderr(std::process::Stdio::null())
        .spawn()?;
    let status_file = format!("/proc/{}/status", child.id());
    let (mut peak_kb, mut peak_anon_kb) = (0u64, 0u64);
    loop {
        if let Ok(status) = std::fs::read_to_string(&status_file) {
            let field = |name: &str| {
                status
                    .lines()
                    .find_map(|l| l.strip_prefix(name))
                    .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
                    .unwrap_or(0)
            };
            peak_kb = peak_kb.max(field("VmHWM:"));
            peak_anon_kb = peak_anon_kb.max(field("RssAnon:"));
        }
        if let Some(status) = child.try_wait()? {
            if !status.success() {
                bail!("the export process failed: {status}");
            }
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Ok((
        started.elapsed().as_secs_f64(),
        peak_kb as f64 / 1024.0,
        peak_anon_kb as f64 / 1024.0,
    ))
}

/// A named kind of request: builds a path, picking random filter values with the given
/// `pick(len) -> index`.
type Mix<'a> = (
    &'a str,
    &'a dyn Fn(&mut dyn FnMut(usize) -> usize) -> String,
);

pub async fn reports(config: &Config, options: &Options) -> anyhow::Result<()> {
    let (db, city) = crate::prepare_database(config, true).await?;
    let total = seed_up_to(&db, options.reports).await?;

    let staff_email = "bench-staff@example.invalid";
    let staff_password = "benchmark-password-1";
    if miasto_store::accounts::find_by_email(&db, &Email::parse(staff_email)?)
        .await?
        .is_none()
    {
        let unit = miasto_store::reference::find_unit_by_code(&db, "ZDMK")
            .await?
            .context("no ZDMK unit")?;
        miasto_store::accounts::create_user(
            &db,
            miasto_store::accounts::NewUser {
                email: Email::parse(staff_email)?,
                password_hash: miasto_store::accounts::hash_password(&Password::parse_new(
                    staff_password,
                    None,
                )?)
                .await,
                assignment: RoleAssignment::new(Role::UnitStaff, Some(unit.id))?,
                locale: Locale::Pl,
                confirmed: true,
            },
        )
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    }

    let files = tempfile::tempdir()?;
    let router = bench_router(&db, &city, files.path()).await?;
    let cookie = login(&router, staff_email, staff_password).await?;

    let mut rng = StdRng::seed_from_u64(11);
    let categories = miasto_store::reference::list_categories(&db).await?;
    let districts = miasto_store::reference::list_districts(&db).await?;
    let year = chrono::Datelike::year(&miasto_store::now());
    let last = miasto_store::reports::last_number(&db, year).await?.max(1);
    let mut pick = |len: usize| rng.random_range(0..len);

    // Each mix is measured on its own, `requests` times, with fresh random filter values.
    let public_mixes: [Mix; 9] = [
        ("/reports", &|_| "/reports".to_owned()),
        ("/reports?kind=problem", &|_| {
            "/reports?kind=problem".to_owned()
        }),
        ("/reports?kind=idea&status=implemented", &|_| {
            "/reports?kind=idea&status=implemented".to_owned()
        }),
        ("/reports?category={c}", &|pick| {
            format!(
                "/reports?category={}",
                categories[pick(categories.len())].id
            )
        }),
        ("/reports?district={d}", &|pick| {
            format!("/reports?district={}", districts[pick(districts.len())].id)
        }),
        ("/reports?status=being_solved", &|_| {
            "/reports?status=being_solved".to_owned()
        }),
        ("/reports?district={d}&kind=problem&page=5", &|pick| {
            format!(
                "/reports?district={}&kind=problem&page=5",
                districts[pick(districts.len())].id
            )
        }),
        ("/reports?page=50", &|_| "/reports?page=50".to_owned()),
        ("/reports?from={y}-01-01&to={y}-03-31", &|_| {
            format!("/reports?from={year}-01-01&to={year}-03-31")
        }),
    ];
    let queue_mixes: [Mix; 11] = [
        ("/staff/queue (open, oldest first)", &|_| {
            "/staff/queue".to_owned()
        }),
        ("/staff/queue?sort=newest", &|_| {
            "/staff/queue?sort=newest".to_owned()
        }),
        ("/staff/queue?status=being_solved", &|_| {
            "/staff/queue?status=being_solved".to_owned()
        }),
        ("/staff/queue?district={d}", &|pick| {
            format!(
                "/staff/queue?district={}",
                districts[pick(districts.len())].id
            )
        }),
        ("/staff/queue?sort=category", &|_| {
            "/staff/queue?sort=category".to_owned()
        }),
        ("/staff/queue?sort=district", &|_| {
            "/staff/queue?sort=district".to_owned()
        }),
        ("/staff/queue?sort=status", &|_| {
            "/staff/queue?sort=status".to_owned()
        }),
        ("/staff/queue?show=all&sort=changed", &|_| {
            "/staff/queue?show=all&sort=changed".to_owned()
        }),
        ("/staff/queue?show=all&sort=oldest", &|_| {
            "/staff/queue?show=all&sort=oldest".to_owned()
        }),
        ("/staff/queue?page=10", &|_| {
            "/staff/queue?page=10".to_owned()
        }),
        ("/staff/queue?show=closed&sort=oldest", &|_| {
            "/staff/queue?show=closed&sort=oldest".to_owned()
        }),
    ];
    let mut results = Vec::new();
    let mut all_public = Vec::new();
    for (name, make) in public_mixes {
        let paths: Vec<String> = (0..options.requests).map(|_| make(&mut pick)).collect();
        let stats = measure(&router, name, &paths, None).await?;
        all_public.extend(stats.samples.iter().copied());
        results.push(stats);
    }
    let mut all_queue = Vec::new();
    for (name, make) in queue_mixes {
        let paths: Vec<String> = (0..options.requests).map(|_| make(&mut pick)).collect();
        let stats = measure(&router, name, &paths, Some(&cookie)).await?;
        all_queue.extend(stats.samples.iter().copied());
        results.push(stats);
    }
    let pages: Vec<String> = (0..options.requests)
        .map(|_| {
            TrackingNumber {
                year,
                seq: u32::try_from(pick(last as usize)).unwrap_or(0) + 1,
            }
            .path()
        })
        .collect();
    results.push(measure(&router, "/reports/{year}/{number}", &pages, None).await?);
    results.push(Stats {
        name: "**public list, all mixes**".into(),
        samples: all_public,
    });
    results.push(Stats {
        name: "**unit queue, all mixes**".into(),
        samples: all_queue,
    });

    let intake = if options.intake_seconds > 0 {
        Some(intake(&router, options).await?)
    } else {
        None
    };
    println!("reports in the database: {total}");
    println!();
    print_table(&results);
    if let Some((done, seconds)) = intake {
        println!();
        println!(
            "intake: {done} reports in {seconds:.1} s from {} concurrent clients = {:.0} durable submissions/s",
            options.clients,
            done as f64 / seconds
        );
    }
    Ok(())
}

/// Concurrent clients submitting reports (no photos) for the given time.
async fn intake(router: &axum::Router, options: &Options) -> anyhow::Result<(u64, f64)> {
    let (_, _, cookies) = get(router, "/reports/new?kind=problem", None).await?;
    let csrf = cookies
        .iter()
        .find_map(|c| c.strip_prefix("miasto_csrf="))
        .context("no CSRF cookie")?
        .to_owned();
    let db_categories = {
        let (_, body, _) = get(
            router,
            "/reports/new?kind=problem",
            Some(&format!("miasto_csrf={csrf}")),
        )
        .await?;
        let html = String::from_utf8_lossy(&body).into_owned();
        html.split("<option value=\"")
            .skip(1)
            .filter_map(|s| s.split('"').next())
            .find(|v| v.len() == 36)
            .context("no category on the form")?
            .to_owned()
    };
    let done = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + Duration::from_secs(options.intake_seconds);
    let started = Instant::now();
    let mut handles = Vec::new();
    for client in 0..options.clients {
        let router = router.clone();
        let csrf = csrf.clone();
        let category = db_categories.clone();
        let done = done.clone();
        handles.push(tokio::spawn(async move {
            let mut n = 0u64;
            while Instant::now() < deadline {
                let key = format!("{:032x}{:032x}", client as u128 + 1, u128::from(n) + 1);
                let boundary = "----bench";
                let fields = [
                    ("csrf", csrf.as_str()),
                    ("kind", "problem"),
                    ("category", category.as_str()),
                    ("lat", "50.0617"),
                    ("lon", "19.9373"),
                    ("description", "Nie świeci latarnia przy przejściu dla pieszych."),
                    ("contact_email", "bench@example.invalid"),
                    ("consent", "on"),
                    ("form_key", key.as_str()),
                ];
                let mut body = String::new();
                for (k, v) in fields {
                    body.push_str(&format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"));
                }
                body.push_str(&format!("--{boundary}--\r\n"));
                let req = Request::post("/reports")
                    .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
                    .header(header::COOKIE, format!("miasto_csrf={csrf}"))
                    .header("sec-fetch-site", "same-origin")
                    .body(Body::from(body))
                    .map_err(|e| anyhow::anyhow!(e))?;
                let res = router.clone().oneshot(req).await.map_err(|e| anyhow::anyhow!(e))?;
                if res.status() != StatusCode::SEE_OTHER {
                    let status = res.status();
                    let body = axum::body::to_bytes(res.into_body(), usize::MAX).await.unwrap_or_default();
                    bail!("intake answered {status}: {}", String::from_utf8_lossy(&body).chars().take(300).collect::<String>());
                }
                n += 1;
                done.fetch_add(1, Ordering::Relaxed);
            }
            anyhow::Ok(n)
        }));
    }
    for h in handles {
        h.await??;
    }
    Ok((
        done.load(Ordering::Relaxed),
        started.elapsed().as_secs_f64(),
    ))
}
