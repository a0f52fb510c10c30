//! Slow clients: a request's body must arrive within [`Timeouts::body`] of the request's
//! head (a client trickling one byte every few seconds is cut off, not waited for), and the
//! whole request is answered within [`Timeouts::request`] or gets 408. Reading the head
//! itself, and idle keep-alive connections, are bounded by the server (`miasto serve`) with
//! [`Timeouts::header`].

use crate::AppState;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http_body::{Frame, SizeHint};
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

/// How long the server waits for a client; see the module docs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// To read a request's head, and for an idle keep-alive connection's next request.
    pub header: Duration,
    /// For the whole body, from the moment the head was read.
    pub body: Duration,
    /// For the whole request, body and answer's head included.
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

/// A body that fails once its deadline passes, noting that it did.
struct Deadline {
    inner: Body,
    sleep: Pin<Box<tokio::time::Sleep>>,
    expired: Arc<AtomicBool>,
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
            return Poll::Ready(frame);
        }
        if this.sleep.as_mut().poll(cx).is_ready() {
            this.expired.store(true, Ordering::Relaxed);
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

/// Middleware: gives the body its deadline; a request whose body missed it is answered 408
/// and its connection closed, whatever the handler made of the broken body.
pub async fn body_deadline(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let expired = Arc::new(AtomicBool::new(false));
    let limit = state.config().timeouts.body;
    let flag = expired.clone();
    let req = req.map(|inner| {
        Body::new(Deadline {
            inner,
            sleep: Box::pin(tokio::time::sleep(limit)),
            expired: flag,
        })
    });
    let response = next.run(req).await;
    if expired.load(Ordering::Relaxed) {
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
