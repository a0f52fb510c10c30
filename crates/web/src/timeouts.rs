//! Slow clients. A request's body gets [`Timeouts::body`] from the request's head, and more
//! time as its bytes arrive ([`MIN_BODY_RATE`] per second on average): a phone uploading five
//! photos over a slow network finishes, while a client trickling one byte every few seconds
//! is cut off (408, connection closed). Once the body is in (or was never read), the handler
//! has [`Timeouts::request`] to answer, or the answer is 408. Reading the head itself, and
//! idle keep-alive connections, are bounded by the server (`miasto serve`) with
//! [`Timeouts::header`].

use crate::AppState;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http_body::{Frame, SizeHint};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::time::Instant;

/// The average rate a body must keep up after its first [`Timeouts::body`], in bytes per
/// second (8 KiB/s: a 35 MB upload may take over an hour; a trickle gets nowhere).
pub const MIN_BODY_RATE: u64 = 8 * 1024;

/// How long the server waits for a client; see the module docs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// To read a request's head, and for an idle keep-alive connection's next request.
    pub header: Duration,
    /// For a body, from the moment the head was read, before [`MIN_BODY_RATE`] adds time.
    pub body: Duration,
    /// For the handler's answer, from the body's last byte (or the head, without a body).
    pub request: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            header: Duration::from_secs(15),
            body: Duration::from_secs(60),
            request: Duration::from_secs(180),
        }
    }
}

/// What the body has done so far, shared by the body and the middleware.
struct Progress {
    started: Instant,
    received: AtomicU64,
    /// When the body last moved (a frame, its end): the request's own deadline counts from it.
    last_activity: Mutex<Instant>,
    expired: AtomicBool,
}

impl Progress {
    fn body_deadline(&self, limits: Timeouts) -> Instant {
        let received = self.received.load(Ordering::Relaxed);
        let earned = Duration::from_millis(received.saturating_mul(1000) / MIN_BODY_RATE);
        self.started + limits.body + earned
    }

    fn request_deadline(&self, limits: Timeouts) -> Instant {
        *self
            .last_activity
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            + limits.request
    }

    fn moved(&self) {
        *self
            .last_activity
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Instant::now();
    }
}

/// A body that fails once it falls behind its deadline, noting that it did.
struct Deadline {
    inner: Body,
    sleep: Pin<Box<tokio::time::Sleep>>,
    progress: Arc<Progress>,
    limits: Timeouts,
}

impl http_body::Body for Deadline {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let this = &mut *self;
        if let Poll::Ready(frame) = Pin::new(&mut this.inner).poll_frame(cx) {
            if let Some(Ok(data)) = frame.as_ref().map(|f| f.as_ref().map(Frame::data_ref)) {
                let bytes = data.map_or(0, |d| d.len() as u64);
                this.progress.received.fetch_add(bytes, Ordering::Relaxed);
                let deadline = this.progress.body_deadline(this.limits);
                this.sleep.as_mut().reset(deadline);
            }
            this.progress.moved();
            return Poll::Ready(frame);
        }
        if this.sleep.as_mut().poll(cx).is_ready() {
            this.progress.expired.store(true, Ordering::Relaxed);
            return Poll::Ready(Some(Err(axum::Error::new("request body too slow"))));
        }
        Poll::Pending
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// Middleware: gives the body its deadline and the handler its own. A request whose body fell
/// behind is answered 408 and its connection closed, whatever the handler made of the broken
/// body; a handler that does not answer in time is dropped and answered 408.
pub async fn deadlines(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let limits = state.config().timeouts;
    let now = Instant::now();
    let progress = Arc::new(Progress {
        started: now,
        received: AtomicU64::new(0),
        last_activity: Mutex::new(now),
        expired: AtomicBool::new(false),
    });
    let shared = progress.clone();
    let req = req.map(|inner| {
        Body::new(Deadline {
            inner,
            sleep: Box::pin(tokio::time::sleep_until(now + limits.body)),
            progress: shared,
            limits,
        })
    });
    let handler = next.run(req);
    tokio::pin!(handler);
    let response = loop {
        let deadline = progress.request_deadline(limits);
        tokio::select! {
            response = &mut handler => break response,
            () = tokio::time::sleep_until(deadline) => {
                // The body may have moved meanwhile, which moves the deadline.
                if progress.request_deadline(limits) <= Instant::now() {
                    tracing::info!("request not answered in time");
                    return too_slow();
                }
            }
        }
    };
    if progress.expired.load(Ordering::Relaxed) {
        tracing::info!("request body too slow: connection closed");
        return too_slow();
    }
    response
}

/// 408 with `Connection: close`.
pub fn too_slow() -> Response {
    let mut response = (StatusCode::REQUEST_TIMEOUT, "Request Timeout\n").into_response();
    response
        .headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}
