//! `miasto serve` and `miasto worker`: start, run until SIGTERM or Ctrl-C, then stop taking
//! connections, finish the requests and the job batch in hand, and exit.

use crate::config::{Config, Environment};
use anyhow::Context;
use miasto_store::jobs::{Signal, Worker};
use miasto_store::mail::Mailer;
use miasto_store::places::{Geocoder, Service};
use miasto_web::{AppState, Metrics, Secret, Services, WebConfig};
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::sync::watch;

fn mailer(config: &Config) -> anyhow::Result<Mailer> {
    Ok(match &config.smtp_url {
        Some(url) => Mailer::smtp(url, &config.mail_from)?,
        None => Mailer::outbox(&config.mail_from)?,
    })
}

/// The configured geocoding service, else the city's gazetteer (a demo one only outside
/// production), else none.
fn geocoder(
    config: &Config,
    city: &miasto_store::reference::CityData,
    districts: &miasto_domain::geo::DistrictMap,
    base_url: &str,
) -> anyhow::Result<Geocoder> {
    if let Some(url) = &config.geocoder_url {
        let agent = format!("WspolneMiasto/{} (+{base_url})", env!("CARGO_PKG_VERSION"));
        let service = Service::new(url, config.geocoder_api, agent, districts.bounds())
            .map_err(|e| anyhow::anyhow!(e))?;
        tracing::info!(api = ?config.geocoder_api, "addresses found by a geocoding service");
        return Ok(Geocoder::Service(Arc::new(service)));
    }
    let Some(gazetteer) = city.gazetteer()? else {
        tracing::info!("no gazetteer and no geocoding service: addresses stay free text");
        return Ok(Geocoder::Off);
    };
    if city.info.addresses_demo && config.environment == Environment::Production {
        tracing::warn!(
            "the city's addresses file is a demo; not used in production (docs/geocoding.md)"
        );
        return Ok(Geocoder::Off);
    }
    tracing::info!(
        addresses = gazetteer.len(),
        demo = city.info.addresses_demo,
        "gazetteer loaded"
    );
    Ok(Geocoder::Gazetteer(Arc::new(gazetteer)))
}

/// Resolves when the process is asked to stop.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
    tracing::info!("shutting down");
}

async fn stopped(mut rx: watch::Receiver<bool>) {
    let _ = rx.wait_for(|stop| *stop).await;
}

pub async fn serve(config: &Config, with_worker: bool, migrate: bool) -> anyhow::Result<()> {
    let (db, city) = crate::prepare_database(config, migrate).await?;
    let mailer = Arc::new(mailer(config)?);
    let listener = tokio::net::TcpListener::bind(config.bind)
        .await
        .with_context(|| format!("cannot listen on {}", config.bind))?;
    let bound = listener.local_addr()?;
    let base_url = public_url(config, bound);
    let signal = Signal::default();
    let web = WebConfig {
        base_url: base_url.clone(),
        secret: Secret::new(config.secret()),
        trust_proxy: config.trust_proxy,
        limits: Default::default(),
        outbox_mail: mailer.uses_outbox(),
        metrics_token: config.metrics_token.clone().map(Secret::new),
        city_name: city.info.name.clone(),
        jurisdiction_id: city.info.jurisdiction_id.clone(),
        map_tiles: config.map_tiles.clone(),
        timeouts: timeouts(config),
        consultation_minimums: city.info.consultations.minimums(),
        request_thresholds: city.info.requests.thresholds(),
    };
    let files = miasto_store::photos::FileStore::local(&config.files_dir)?;
    let sweep_files = files.clone();
    let districts = miasto_store::reference::district_map(&db).await?;
    let geocoder = geocoder(config, &city, &districts, &base_url)?;
    let state = AppState::new(
        web,
        Services {
            db: db.clone(),
            jobs: signal.clone(),
            metrics: Metrics::new(),
            files,
            districts,
            geocoder,
        },
    );
    let app = miasto_web::router(state);

    let (stop_tx, stop_rx) = watch::channel(false);
    let worker = with_worker.then(|| {
        let worker =
            Worker::new(db.clone(), mailer.clone(), signal.clone()).with_files(sweep_files);
        tokio::spawn(worker.run(stopped(stop_rx.clone())))
    });

    tracing::info!(address = %bound, worker = with_worker, outbox = mailer.uses_outbox(), "listening");
    println!("Wspólne Miasto is running at {base_url}");

    accept(listener, app, timeouts(config), async move {
        shutdown_signal().await;
        let _ = stop_tx.send(true);
    })
    .await;
    if let Some(worker) = worker {
        let _ = worker.await;
    }
    db.close().await.ok();
    Ok(())
}

fn timeouts(config: &Config) -> miasto_web::Timeouts {
    use std::time::Duration;
    miasto_web::Timeouts {
        header: Duration::from_secs(config.header_timeout_secs),
        body: Duration::from_secs(config.body_timeout_secs),
        request: Duration::from_secs(config.request_timeout_secs),
    }
}

/// Serves HTTP/1.1 until `stop` resolves, then lets the requests in hand finish (at most the
/// request timeout). Each connection must send a request's head within the header timeout,
/// and an idle keep-alive connection is closed after it too (hyper restarts the same timer
/// when a connection goes idle).
async fn accept(
    listener: tokio::net::TcpListener,
    app: axum::Router,
    timeouts: miasto_web::Timeouts,
    stop: impl std::future::Future<Output = ()>,
) {
    use hyper_util::rt::{TokioIo, TokioTimer};
    use hyper_util::server::graceful::GracefulShutdown;
    use tower::ServiceExt;
    let graceful = GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(timeouts.header)
        .keep_alive(true);
    tokio::pin!(stop);
    loop {
        let (stream, remote) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors and the like: wait a moment rather than spin.
                    tracing::warn!(%error, "accept failed");
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut stop => break,
        };
        let router = app.clone();
        let service =
            hyper::service::service_fn(move |mut req: hyper::Request<hyper::body::Incoming>| {
                req.extensions_mut()
                    .insert(axum::extract::ConnectInfo(remote));
                router.clone().oneshot(req.map(axum::body::Body::new))
            });
        let connection = http.serve_connection(TokioIo::new(stream), service);
        let watched = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(error) = watched.await {
                tracing::debug!(%error, "connection ended with an error");
            }
        });
    }
    drop(listener);
    if tokio::time::timeout(timeouts.request, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("requests still running at shutdown were cut off");
    }
}

/// The public URL: the configured one, or the address actually bound (with `--bind …:0` the
/// system picks the port, and links in e-mails must carry that port).
fn public_url(config: &Config, bound: SocketAddr) -> String {
    if config.base_url.is_some() {
        return config.base_url();
    }
    let host = if bound.ip().is_unspecified() {
        "127.0.0.1".to_owned()
    } else {
        bound.ip().to_string()
    };
    format!("http://{host}:{}", bound.port())
}

pub async fn worker(config: &Config) -> anyhow::Result<()> {
    let (db, _) = crate::prepare_database(config, false).await?;
    let worker = Worker::new(db.clone(), Arc::new(mailer(config)?), Signal::default())
        .with_files(miasto_store::photos::FileStore::local(&config.files_dir)?);
    let (stop_tx, stop_rx) = watch::channel(false);
    let handle = tokio::spawn(worker.run(stopped(stop_rx)));
    shutdown_signal().await;
    let _ = stop_tx.send(true);
    let _ = handle.await;
    db.close().await.ok();
    Ok(())
}
