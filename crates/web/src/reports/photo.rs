//! Report photos. Published ones are public; those awaiting a moderator are shown to staff and,
//! through the private tracking link, to the reporter; hidden ones (personal data) only to
//! staff.

use crate::context::Ctx;
use crate::{AppState, Error};
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use miasto_domain::Permission;
use miasto_store::photos::{self, Photo, Variant};
use std::sync::Arc;

fn parse(id: &str, variant: &str) -> Result<(uuid::Uuid, Variant), Error> {
    let id = uuid::Uuid::try_parse(id).map_err(|_| Error::NotFound)?;
    let variant = Variant::parse(variant).ok_or(Error::NotFound)?;
    Ok((id, variant))
}

async fn serve(state: &AppState, photo: &Photo, variant: Variant) -> Result<Response, Error> {
    serve_file(state, photo.key(variant), photo.is_public()).await
}

/// A stored JPEG; public ones may be cached by anyone for a day.
pub(crate) async fn serve_file(
    state: &AppState,
    key: &str,
    public: bool,
) -> Result<Response, Error> {
    let bytes = state
        .files()
        .get(key)
        .await
        .map_err(|e| Error::internal(e.to_string()))?
        .ok_or(Error::NotFound)?;
    let cache = if public {
        "public, max-age=86400"
    } else {
        "private, no-store"
    };
    Ok((
        [
            (header::CONTENT_TYPE, "image/jpeg"),
            (header::CACHE_CONTROL, cache),
        ],
        bytes,
    )
        .into_response())
}

/// `/reports/staged/{key}/{id}`: the thumbnail of a photo kept while its form is corrected,
/// for whoever holds the form's staging key.
pub async fn show_staged_photo(
    State(state): State<AppState>,
    Path((key, id)): Path<(String, String)>,
) -> Result<Response, Error> {
    let id = uuid::Uuid::try_parse(&id).map_err(|_| Error::NotFound)?;
    let photo = photos::staged(state.db(), &key, &[id])
        .await?
        .pop()
        .ok_or(Error::NotFound)?;
    serve_file(&state, &photo.thumb_key, false).await
}

/// `/photos/{id}/{variant}`: published photos for anyone, every photo for staff.
pub async fn show_photo(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, variant)): Path<(String, String)>,
) -> Result<Response, Error> {
    let (id, variant) = parse(&id, &variant)?;
    let photo = photos::get(state.db(), id).await?.ok_or(Error::NotFound)?;
    if !photo.is_public() && !ctx.can(Permission::ViewReports) {
        return Err(Error::NotFound);
    }
    serve(&state, &photo, variant).await
}

/// `/reports/track/{token}/photos/{id}/{variant}`: the reporter's own photos, also before a
/// moderator has looked at them (not once hidden).
pub async fn show_tracked_photo(
    State(state): State<AppState>,
    Path((token, id, variant)): Path<(String, String, String)>,
) -> Result<Response, Error> {
    let (id, variant) = parse(&id, &variant)?;
    let report = miasto_store::reports::get_by_tracking_token(state.db(), &token)
        .await?
        .ok_or(Error::NotFound)?;
    let photo = photos::get(state.db(), id).await?.ok_or(Error::NotFound)?;
    if photo.report != report.id || photo.hidden {
        return Err(Error::NotFound);
    }
    serve(&state, &photo, variant).await
}

/// Photo decoding is the costliest thing an anonymous visitor can ask for. It runs on its own
/// threads, one per core, so at most that many decodes run at once and the memory they use
/// comes back to the same few allocator arenas; together the decodes in progress take at most
/// [`Gate::MEMORY_MB`] (a 40-megapixel photo takes most of it, so such photos go one at a
/// time). An upload waits its turn at most [`Gate::WAIT`].
pub struct Gate {
    jobs: std::sync::mpsc::SyncSender<Job>,
    decoders: Arc<tokio::sync::Semaphore>,
    memory: Arc<tokio::sync::Semaphore>,
}

type Job = Box<dyn FnOnce() + Send>;

impl Gate {
    /// The memory all decodes in progress may use together, in MB.
    pub const MEMORY_MB: u32 = 256;
    /// How long an upload waits for its turn before the sender is asked to come back.
    pub const WAIT: std::time::Duration = std::time::Duration::from_secs(20);

    /// Starts `decoders` decoding threads; they end when the gate is dropped.
    pub fn new(decoders: usize) -> Self {
        let decoders = decoders.max(1);
        let (jobs, queue) = std::sync::mpsc::sync_channel::<Job>(decoders);
        let queue = Arc::new(std::sync::Mutex::new(queue));
        for n in 0..decoders {
            let queue = queue.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("photo-decoder-{n}"))
                .spawn(move || {
                    loop {
                        let job = {
                            let queue = queue
                                .lock()
                                .unwrap_or_else(std::sync::PoisonError::into_inner);
                            queue.recv()
                        };
                        match job {
                            Ok(job) => job(),
                            Err(_) => break,
                        }
                    }
                });
            if let Err(error) = spawned {
                tracing::error!(%error, "cannot start a photo decoder thread");
            }
        }
        Self {
            jobs,
            decoders: Arc::new(tokio::sync::Semaphore::new(decoders)),
            memory: Arc::new(tokio::sync::Semaphore::new(Self::MEMORY_MB as usize)),
        }
    }

    /// Checks and re-encodes one upload on a decoder thread, once one is free with enough
    /// memory. `Err(Busy)` when none came free within [`Gate::WAIT`].
    pub async fn process(
        &self,
        bytes: axum::body::Bytes,
    ) -> Result<Result<photos::Processed, photos::PhotoError>, Error> {
        let size = match photos::decoded_size(&bytes) {
            Ok(size) => size,
            Err(e) => return Ok(Err(e)),
        };
        // The pixels, and about a third more for the smaller copies made from them.
        let mb = size.div_ceil(1024 * 1024) * 4 / 3 + 8;
        let mb = u32::try_from(mb).unwrap_or(u32::MAX).min(Self::MEMORY_MB);
        let busy = Error::Busy {
            retry_after_secs: Self::WAIT.as_secs(),
        };
        let permits = tokio::time::timeout(Self::WAIT, async {
            let decoder = self.decoders.clone().acquire_owned().await.ok()?;
            let memory = self.memory.clone().acquire_many_owned(mb).await.ok()?;
            Some((decoder, memory))
        })
        .await
        .ok()
        .flatten()
        .ok_or(busy)?;
        let (reply, answer) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move || {
            let result = photos::process(&bytes);
            drop(permits);
            let _ = reply.send(result);
        });
        // A permit is held, so a decoder thread is free to take the job.
        self.jobs
            .send(job)
            .map_err(|_| Error::internal("photo decoders stopped"))?;
        answer
            .await
            .map_err(|_| Error::internal("a photo decoder dropped its job"))
    }
}
