//! Photos attached to reports. Each upload is checked (JPEG, PNG or WebP by its bytes, not its
//! name; at most 7 MiB and 40 megapixels), decoded, turned upright by its EXIF orientation,
//! and re-encoded as JPEG in three sizes. Re-encoding writes pixels only, so EXIF, GPS position
//! and every other piece of metadata are gone from everything stored. Files live in a
//! [`FileStore`] (a local directory by default; any `object_store` backend, e.g. S3, by
//! configuration); rows in `report_photos` point at them.

use crate::entities::report_photos;
use crate::{Result, StoreError, now};
use bytes::Bytes;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, RgbImage};
use miasto_domain::ReportId;
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, ObjectStoreExt};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder,
};
use std::io::Cursor;
use std::sync::Arc;
use uuid::Uuid;

pub const MAX_BYTES: usize = 7 * 1024 * 1024;
pub const MAX_PER_REPORT: usize = 5;
const MAX_PIXELS: u64 = 40_000_000;

/// Longest side of each stored size.
const ORIGINAL_SIDE: u32 = 2560;
const DISPLAY_SIDE: u32 = 1280;
const THUMB_SIDE: u32 = 320;

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PhotoError {
    #[error("the file is larger than 7 MiB")]
    TooLarge,
    #[error("only JPEG, PNG and WebP images are accepted")]
    UnsupportedType,
    #[error("the image cannot be read")]
    Unreadable,
    #[error("the image has too many pixels")]
    TooManyPixels,
}

impl PhotoError {
    pub const ALL: [PhotoError; 4] = [
        Self::TooLarge,
        Self::UnsupportedType,
        Self::Unreadable,
        Self::TooManyPixels,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::TooLarge => "photo_too_large",
            Self::UnsupportedType => "photo_type",
            Self::Unreadable => "photo_unreadable",
            Self::TooManyPixels => "photo_too_many_pixels",
        }
    }
}

/// An uploaded image turned into what gets stored.
#[derive(Debug, Clone)]
pub struct Processed {
    pub original: Vec<u8>,
    pub display: Vec<u8>,
    pub thumb: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

/// The most memory one decode may allocate: a 40-megapixel photo in 8-bit RGBA, plus slack.
/// A 16-bit or otherwise bloated image of that size is refused rather than decoded.
pub const MAX_DECODE_BYTES: u64 = MAX_PIXELS * 4 + 8 * 1024 * 1024;

/// Checks and re-encodes one upload. CPU-bound: call it from `spawn_blocking`, at most a few
/// at once. Memory is bounded: the decoder may allocate at most [`MAX_DECODE_BYTES`] (the
/// header's dimensions are checked before any pixel is decoded), the full-size image is
/// shrunk once to the largest stored size and dropped, and everything after works on that.
pub fn process(bytes: &[u8]) -> Result<Processed, PhotoError> {
    let mut decoder = decoder(bytes)?;
    let orientation = decoder.orientation().map_err(|_| PhotoError::Unreadable)?;
    let full = DynamicImage::from_decoder(decoder).map_err(too_big)?;
    // One shrink of the full image (integer area sampling, no float copy of it), then the
    // full image is gone before anything else is allocated.
    let mut image = if full.width().max(full.height()) > ORIGINAL_SIDE {
        full.thumbnail(ORIGINAL_SIDE, ORIGINAL_SIDE)
    } else {
        full
    };
    image.apply_orientation(orientation);
    let rgb = flatten_on_white(&image);
    drop(image);
    let (width, height) = rgb.dimensions();
    let encode = |img: &RgbImage, side: u32, quality: u8| -> Result<Vec<u8>, PhotoError> {
        let mut out = Vec::new();
        let mut encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality);
        if img.width().max(img.height()) > side {
            let scaled = image::imageops::resize(
                img,
                side.min(img.width() * side / img.width().max(img.height()))
                    .max(1),
                side.min(img.height() * side / img.width().max(img.height()))
                    .max(1),
                image::imageops::FilterType::CatmullRom,
            );
            encoder.encode_image(&scaled)
        } else {
            encoder.encode_image(img)
        }
        .map_err(|_| PhotoError::Unreadable)?;
        Ok(out)
    };
    let original = encode(&rgb, ORIGINAL_SIDE, 88)?;
    let display = encode(&rgb, DISPLAY_SIDE, 82)?;
    let thumb = encode(&rgb, THUMB_SIDE, 75)?;
    Ok(Processed {
        original,
        display,
        thumb,
        width,
        height,
    })
}

fn too_big(e: image::ImageError) -> PhotoError {
    match e {
        image::ImageError::Limits(_) => PhotoError::TooManyPixels,
        _ => PhotoError::Unreadable,
    }
}

/// A decoder for an upload whose type, size and dimensions are acceptable; nothing decoded yet.
fn decoder(bytes: &[u8]) -> Result<impl ImageDecoder + use<'_>, PhotoError> {
    if bytes.len() > MAX_BYTES {
        return Err(PhotoError::TooLarge);
    }
    let format = image::guess_format(bytes).map_err(|_| PhotoError::UnsupportedType)?;
    if !matches!(
        format,
        ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP
    ) {
        return Err(PhotoError::UnsupportedType);
    }
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(20_000);
    limits.max_image_height = Some(20_000);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    reader.limits(limits);
    let decoder = reader.into_decoder().map_err(too_big)?;
    let (w, h) = decoder.dimensions();
    if u64::from(w) * u64::from(h) > MAX_PIXELS || decoder.total_bytes() > MAX_DECODE_BYTES {
        return Err(PhotoError::TooManyPixels);
    }
    Ok(decoder)
}

/// The memory decoding this upload will take, read from its header alone (cheap: call it
/// before queueing for a decoder, to reserve that much of the decoding budget).
pub fn decoded_size(bytes: &[u8]) -> Result<u64, PhotoError> {
    decoder(bytes).map(|d| d.total_bytes())
}

/// Transparent pixels (PNG, WebP) land on white, as people expect, not on black.
fn flatten_on_white(image: &DynamicImage) -> RgbImage {
    if !image.color().has_alpha() {
        return image.to_rgb8();
    }
    let rgba = image.to_rgba8();
    RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
        let p = rgba.get_pixel(x, y).0;
        let a = u16::from(p[3]);
        let mix = |c: u8| ((u16::from(c) * a + 255 * (255 - a)) / 255) as u8;
        image::Rgb([mix(p[0]), mix(p[1]), mix(p[2])])
    })
}

/// Where files live.
#[derive(Clone)]
pub struct FileStore(Arc<dyn ObjectStore>);

impl std::fmt::Debug for FileStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "FileStore({})", self.0)
    }
}

#[derive(Debug, thiserror::Error)]
#[error("file store: {0}")]
pub struct FileStoreError(String);

impl FileStore {
    /// Files under `dir` (created if missing).
    pub fn local(dir: &std::path::Path) -> Result<Self, FileStoreError> {
        std::fs::create_dir_all(dir)
            .map_err(|e| FileStoreError(format!("{}: {e}", dir.display())))?;
        let fs = object_store::local::LocalFileSystem::new_with_prefix(dir)
            .map_err(|e| FileStoreError(e.to_string()))?;
        Ok(Self(Arc::new(fs)))
    }

    /// Any `object_store` backend.
    pub fn new(store: Arc<dyn ObjectStore>) -> Self {
        Self(store)
    }

    async fn put(&self, key: &str, bytes: Vec<u8>) -> Result<(), FileStoreError> {
        self.0
            .put(&ObjectPath::from(key), Bytes::from(bytes).into())
            .await
            .map(|_| ())
            .map_err(|e| FileStoreError(e.to_string()))
    }

    pub async fn get(&self, key: &str) -> Result<Option<Bytes>, FileStoreError> {
        match self.0.get(&ObjectPath::from(key)).await {
            Ok(result) => result
                .bytes()
                .await
                .map(Some)
                .map_err(|e| FileStoreError(e.to_string())),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(FileStoreError(e.to_string())),
        }
    }
}

impl FileStore {
    /// Every file under `prefix` with when it was last written.
    async fn list(
        &self,
        prefix: &str,
    ) -> Result<Vec<(String, chrono::DateTime<chrono::Utc>)>, FileStoreError> {
        use futures_util::TryStreamExt;
        self.0
            .list(Some(&ObjectPath::from(prefix)))
            .map_ok(|meta| (meta.location.to_string(), meta.last_modified))
            .try_collect()
            .await
            .map_err(|e| FileStoreError(e.to_string()))
    }

    async fn delete(&self, key: &str) -> Result<(), FileStoreError> {
        match self.0.delete(&ObjectPath::from(key)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(FileStoreError(e.to_string())),
        }
    }
}

/// How long a stored photo may wait for the row that attaches it: its submission is written
/// within seconds, so files older than this with no row were left by a submission that never
/// committed (a duplicate, a refused or failed one, a crash).
pub const ORPHAN_GRACE: chrono::Duration = chrono::Duration::hours(1);

/// The photo id in a file key (`photos/ab12/<uuid>-display.jpg`).
fn photo_id_of(key: &str) -> Option<Uuid> {
    let name = key.rsplit('/').next()?;
    let (id, _) = name.rsplit_once('-')?;
    Uuid::try_parse(id).ok()
}

/// Deletes photo files of the last week that no report, budget project, survey answer or
/// initiative report points at and that
/// are older than [`ORPHAN_GRACE`]; run by housekeeping (every ten minutes). Returns how many files went.
pub async fn sweep_orphans(c: &impl ConnectionTrait, files: &FileStore) -> Result<u64> {
    use crate::entities::budget_project_photos;
    use sea_orm::QuerySelect;
    let cutoff = now() - ORPHAN_GRACE;
    // Keys start with the photo id's first four hex digits, the top of its time-ordered
    // (v7) id: listing the directories of the last week keeps the sweep small whatever the
    // archive's size.
    let mut prefixes: Vec<String> = [now() - chrono::Duration::days(7), now()]
        .iter()
        .map(|t| {
            let millis = u64::try_from(t.timestamp_millis()).unwrap_or_default();
            format!("photos/{:04x}", (millis >> 32) & 0xffff)
        })
        .collect();
    prefixes.dedup();
    let mut listed = Vec::new();
    for prefix in &prefixes {
        listed.extend(files.list(prefix).await?);
    }
    let mut old: std::collections::BTreeMap<Uuid, Vec<String>> = Default::default();
    for (key, at) in listed {
        if at < cutoff
            && let Some(id) = photo_id_of(&key)
        {
            old.entry(id).or_default().push(key);
        }
    }
    let ids: Vec<Uuid> = old.keys().copied().collect();
    let mut kept = std::collections::BTreeSet::new();
    for chunk in ids.chunks(500) {
        let reports: Vec<Uuid> = report_photos::Entity::find()
            .select_only()
            .column(report_photos::Column::Id)
            .filter(report_photos::Column::Id.is_in(chunk.to_vec()))
            .into_tuple()
            .all(c)
            .await?;
        let staged: Vec<Uuid> = crate::entities::staged_photos::Entity::find()
            .select_only()
            .column(crate::entities::staged_photos::Column::Id)
            .filter(crate::entities::staged_photos::Column::Id.is_in(chunk.to_vec()))
            .into_tuple()
            .all(c)
            .await?;
        kept.extend(staged);
        let projects: Vec<Uuid> = budget_project_photos::Entity::find()
            .select_only()
            .column(budget_project_photos::Column::Id)
            .filter(budget_project_photos::Column::Id.is_in(chunk.to_vec()))
            .into_tuple()
            .all(c)
            .await?;
        let answers: Vec<Uuid> = crate::entities::consultation_response_files::Entity::find()
            .select_only()
            .column(crate::entities::consultation_response_files::Column::Id)
            .filter(crate::entities::consultation_response_files::Column::Id.is_in(chunk.to_vec()))
            .into_tuple()
            .all(c)
            .await?;
        let initiatives: Vec<Uuid> = crate::entities::initiative_photos::Entity::find()
            .select_only()
            .column(crate::entities::initiative_photos::Column::Id)
            .filter(crate::entities::initiative_photos::Column::Id.is_in(chunk.to_vec()))
            .into_tuple()
            .all(c)
            .await?;
        kept.extend(reports);
        kept.extend(projects);
        kept.extend(answers);
        kept.extend(initiatives);
    }
    let mut deleted = 0;
    for (id, keys) in old {
        if kept.contains(&id) {
            continue;
        }
        for key in keys {
            files.delete(&key).await?;
            deleted += 1;
        }
    }
    if deleted > 0 {
        tracing::info!(files = deleted, "orphaned photo files deleted");
    }
    Ok(deleted)
}

/// How long a staged photo waits for its form to be sent again.
pub const STAGED_LIFETIME: chrono::Duration = chrono::Duration::hours(24);

fn staged_from(m: crate::entities::staged_photos::Model) -> Stored {
    Stored::from_columns(
        m.id,
        [m.original_key, m.display_key, m.thumb_key],
        (m.width, m.height),
        m.bytes,
    )
}

/// Keeps stored photos of a form that must be shown again, under its staging `key` (the
/// holder of the form has it; only its hash is kept).
pub async fn stage(c: &impl ConnectionTrait, key: &str, photos: &[Stored]) -> Result<()> {
    use crate::entities::staged_photos;
    for p in photos {
        staged_photos::ActiveModel {
            id: Set(p.id),
            key_hash: Set(crate::token_hash(key)),
            original_key: Set(p.original_key.clone()),
            display_key: Set(p.display_key.clone()),
            thumb_key: Set(p.thumb_key.clone()),
            width: Set(i32::try_from(p.width).unwrap_or(i32::MAX)),
            height: Set(i32::try_from(p.height).unwrap_or(i32::MAX)),
            bytes: Set(i64::try_from(p.bytes).unwrap_or(i64::MAX)),
            created_at: Set(now()),
        }
        .insert(c)
        .await?;
    }
    Ok(())
}

/// The photos staged under `key` among `ids`, in the order of `ids` (others' ids and expired
/// ones are not found).
pub async fn staged(c: &impl ConnectionTrait, key: &str, ids: &[Uuid]) -> Result<Vec<Stored>> {
    use crate::entities::staged_photos;
    if ids.is_empty() || key.is_empty() {
        return Ok(Vec::new());
    }
    let rows = staged_photos::Entity::find()
        .filter(staged_photos::Column::KeyHash.eq(crate::token_hash(key)))
        .filter(staged_photos::Column::Id.is_in(ids.to_vec()))
        .filter(staged_photos::Column::CreatedAt.gt(now() - STAGED_LIFETIME))
        .all(c)
        .await?;
    let mut found: Vec<Stored> = rows.into_iter().map(staged_from).collect();
    found.sort_by_key(|p| ids.iter().position(|id| *id == p.id));
    Ok(found)
}

/// Lets go of photos staged under `key` (attached to what the form created, or removed by
/// the resident: their files are swept once no row points at them).
pub async fn unstage(c: &impl ConnectionTrait, key: &str, ids: &[Uuid]) -> Result<()> {
    use crate::entities::staged_photos;
    if ids.is_empty() {
        return Ok(());
    }
    staged_photos::Entity::delete_many()
        .filter(staged_photos::Column::KeyHash.eq(crate::token_hash(key)))
        .filter(staged_photos::Column::Id.is_in(ids.to_vec()))
        .exec(c)
        .await?;
    Ok(())
}

/// Forgets staged photos of abandoned forms; run by housekeeping before the sweep.
pub async fn purge_staged(c: &impl ConnectionTrait) -> Result<u64> {
    use crate::entities::staged_photos;
    Ok(staged_photos::Entity::delete_many()
        .filter(staged_photos::Column::CreatedAt.lte(now() - STAGED_LIFETIME))
        .exec(c)
        .await?
        .rows_affected)
}

/// The three stored files of a processed photo, not yet attached to a report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub id: Uuid,
    pub original_key: String,
    pub display_key: String,
    pub thumb_key: String,
    pub width: u32,
    pub height: u32,
    pub bytes: u64,
}

impl Stored {
    /// From a row's columns: the id, the keys (original, display, thumbnail), the size and
    /// the bytes.
    pub(crate) fn from_columns(
        id: Uuid,
        [original_key, display_key, thumb_key]: [String; 3],
        (width, height): (i32, i32),
        bytes: i64,
    ) -> Self {
        Self {
            id,
            original_key,
            display_key,
            thumb_key,
            width: u32::try_from(width).unwrap_or_default(),
            height: u32::try_from(height).unwrap_or_default(),
            bytes: u64::try_from(bytes).unwrap_or_default(),
        }
    }

    pub fn key(&self, variant: Variant) -> &str {
        variant.pick(&self.original_key, &self.display_key, &self.thumb_key)
    }
}

/// Writes a processed photo's files. Do this before the transaction that attaches it: files
/// are written first, rows point at them after.
pub async fn store(files: &FileStore, processed: Processed) -> Result<Stored, FileStoreError> {
    let id = Uuid::now_v7();
    let key = |variant: &str| {
        format!(
            "photos/{}/{id}-{variant}.jpg",
            &id.simple().to_string()[..4]
        )
    };
    let stored = Stored {
        id,
        original_key: key("original"),
        display_key: key("display"),
        thumb_key: key("thumb"),
        width: processed.width,
        height: processed.height,
        bytes: processed.original.len() as u64,
    };
    files.put(&stored.original_key, processed.original).await?;
    files.put(&stored.display_key, processed.display).await?;
    files.put(&stored.thumb_key, processed.thumb).await?;
    Ok(stored)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Photo {
    pub id: Uuid,
    pub report: ReportId,
    pub position: i32,
    pub width: u32,
    pub height: u32,
    pub hidden: bool,
    pub hidden_reason: Option<String>,
    /// A moderator checked it and published it.
    pub approved: bool,
    original_key: String,
    display_key: String,
    thumb_key: String,
}

/// The stored sizes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    Original,
    Display,
    Thumb,
}

impl Variant {
    /// This size's file among a photo's three keys.
    pub fn pick<'a>(self, original: &'a str, display: &'a str, thumb: &'a str) -> &'a str {
        match self {
            Self::Original => original,
            Self::Display => display,
            Self::Thumb => thumb,
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "original" => Some(Self::Original),
            "display" => Some(Self::Display),
            "thumb" => Some(Self::Thumb),
            _ => None,
        }
    }
}

impl Photo {
    /// Anyone may see it: published and not hidden since.
    pub fn is_public(&self) -> bool {
        self.approved && !self.hidden
    }

    /// Waiting for a moderator's first look.
    pub fn is_pending(&self) -> bool {
        !self.approved && !self.hidden
    }

    pub fn key(&self, variant: Variant) -> &str {
        variant.pick(&self.original_key, &self.display_key, &self.thumb_key)
    }
}

impl From<report_photos::Model> for Photo {
    fn from(m: report_photos::Model) -> Self {
        Self {
            id: m.id,
            report: ReportId(m.report_id),
            position: m.position,
            width: u32::try_from(m.width).unwrap_or_default(),
            height: u32::try_from(m.height).unwrap_or_default(),
            hidden: m.hidden,
            hidden_reason: m.hidden_reason,
            approved: m.approved_at.is_some(),
            original_key: m.original_key,
            display_key: m.display_key,
            thumb_key: m.thumb_key,
        }
    }
}

/// Attaches stored photos to a report, in order.
pub async fn attach(c: &impl ConnectionTrait, report: ReportId, photos: &[Stored]) -> Result<()> {
    for (position, p) in photos.iter().enumerate() {
        report_photos::ActiveModel {
            id: Set(p.id),
            report_id: Set(report.0),
            position: Set(i32::try_from(position).unwrap_or(i32::MAX)),
            original_key: Set(p.original_key.clone()),
            display_key: Set(p.display_key.clone()),
            thumb_key: Set(p.thumb_key.clone()),
            width: Set(i32::try_from(p.width).unwrap_or(i32::MAX)),
            height: Set(i32::try_from(p.height).unwrap_or(i32::MAX)),
            bytes: Set(i64::try_from(p.bytes).unwrap_or(i64::MAX)),
            hidden: Set(false),
            hidden_reason: Set(None),
            approved_at: Set(None),
            created_at: Set(now()),
        }
        .insert(c)
        .await?;
    }
    Ok(())
}

/// Who is looking at a report's photos.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// Anyone: published photos only.
    Public,
    /// The reporter (through the private tracking link): also those awaiting a moderator.
    Reporter,
    /// City staff: all, hidden ones included.
    Staff,
}

/// A report's photos for `audience`, in order.
pub async fn list(
    c: &impl ConnectionTrait,
    report: ReportId,
    audience: Audience,
) -> Result<Vec<Photo>> {
    use report_photos::Column as C;
    let mut select = report_photos::Entity::find()
        .filter(C::ReportId.eq(report.0))
        .order_by_asc(C::Position);
    match audience {
        Audience::Public => {
            select = select
                .filter(C::Hidden.eq(false))
                .filter(C::ApprovedAt.is_not_null());
        }
        Audience::Reporter => select = select.filter(C::Hidden.eq(false)),
        Audience::Staff => {}
    }
    Ok(select.all(c).await?.into_iter().map(Photo::from).collect())
}

/// The first published photo of each of `reports` that has one.
pub async fn first_public(c: &impl ConnectionTrait, reports: &[ReportId]) -> Result<Vec<Photo>> {
    use report_photos::Column as C;
    let mut firsts: Vec<Photo> = Vec::new();
    for chunk in reports.chunks(500) {
        let rows = report_photos::Entity::find()
            .filter(C::ReportId.is_in(chunk.iter().map(|r| r.0)))
            .filter(C::Hidden.eq(false))
            .filter(C::ApprovedAt.is_not_null())
            .order_by_asc(C::ReportId)
            .order_by_asc(C::Position)
            .all(c)
            .await?;
        for row in rows {
            if firsts.last().is_none_or(|p| p.report.0 != row.report_id) {
                firsts.push(Photo::from(row));
            }
        }
    }
    Ok(firsts)
}

pub async fn get(c: &impl ConnectionTrait, id: Uuid) -> Result<Option<Photo>> {
    Ok(report_photos::Entity::find_by_id(id)
        .one(c)
        .await?
        .map(Photo::from))
}

/// A moderator's decision on a photo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Moderation {
    /// Nothing personal in it: anyone may see it (also undoes hiding).
    Publish,
    /// It shows a face, a number plate…: staff only, with the reason.
    Hide(String),
}

/// Applies a moderator's decision. Returns the photo as it is now.
pub async fn moderate(
    c: &impl ConnectionTrait,
    id: Uuid,
    decision: Moderation,
) -> Result<Option<Photo>> {
    let Some(photo) = report_photos::Entity::find_by_id(id).one(c).await? else {
        return Ok(None);
    };
    let mut change = report_photos::ActiveModel {
        id: Set(photo.id),
        ..Default::default()
    };
    match decision {
        Moderation::Publish => {
            change.hidden = Set(false);
            change.hidden_reason = Set(None);
            change.approved_at = Set(Some(photo.approved_at.unwrap_or_else(now)));
        }
        Moderation::Hide(reason) => {
            change.hidden = Set(true);
            change.hidden_reason = Set(Some(reason));
        }
    }
    let updated = change.update(c).await.map_err(StoreError::from)?;
    Ok(Some(Photo::from(updated)))
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::testing::{has_exif, jpeg, with_exif};

    /// A PNG that claims `width` × `height` pixels of `depth`-bit RGBA over a few bytes of
    /// compressed data (a decompression bomb's header).
    fn png_header(width: u32, height: u32, depth: u8) -> Vec<u8> {
        fn crc(bytes: &[u8]) -> u32 {
            let mut crc = 0xFFFF_FFFFu32;
            for &b in bytes {
                crc ^= u32::from(b);
                for _ in 0..8 {
                    crc = if crc & 1 == 1 {
                        (crc >> 1) ^ 0xEDB8_8320
                    } else {
                        crc >> 1
                    };
                }
            }
            !crc
        }
        let chunk = |kind: &[u8], data: &[u8]| {
            let mut out = (data.len() as u32).to_be_bytes().to_vec();
            let mut body = kind.to_vec();
            body.extend_from_slice(data);
            out.extend_from_slice(&body);
            out.extend_from_slice(&crc(&body).to_be_bytes());
            out
        };
        let mut ihdr = width.to_be_bytes().to_vec();
        ihdr.extend_from_slice(&height.to_be_bytes());
        ihdr.extend_from_slice(&[depth, 6, 0, 0, 0]);
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        png.extend(chunk(b"IHDR", &ihdr));
        png.extend(chunk(
            b"IDAT",
            &[0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01],
        ));
        png.extend(chunk(b"IEND", &[]));
        png
    }

    #[test]
    fn bombs_are_refused_from_their_header_before_any_pixel_is_decoded() {
        // 25 megapixels pass the pixel limit, but at 16 bits per channel they would need
        // 200 MB: more than one decode may take.
        assert_eq!(
            process(&png_header(5000, 5000, 16)).unwrap_err(),
            PhotoError::TooManyPixels
        );
        assert_eq!(
            process(&png_header(9000, 5000, 8)).unwrap_err(),
            PhotoError::TooManyPixels
        );
        // The same header at 8 bits is within bounds; its data is simply broken.
        assert_eq!(
            process(&png_header(5000, 5000, 8)).unwrap_err(),
            PhotoError::Unreadable
        );
    }

    #[test]
    fn exif_and_gps_are_gone_and_orientation_is_applied() {
        let source = with_exif(&jpeg(40, 20), 6);
        assert!(has_exif(&source));
        let image = image::load_from_memory(&source).unwrap();
        assert_eq!(
            (image.width(), image.height()),
            (40, 20),
            "the raw pixels are landscape"
        );
        let out = process(&source).unwrap();
        for variant in [&out.original, &out.display, &out.thumb] {
            assert!(!has_exif(variant), "no EXIF in any stored size");
            assert!(!variant.windows(2).any(|w| w == b"MM"), "no TIFF header");
        }
        assert_eq!(
            (out.width, out.height),
            (20, 40),
            "orientation 6 turns it upright (portrait)"
        );
        let decoded = image::load_from_memory(&out.display).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (20, 40));
    }

    #[test]
    fn large_images_get_three_sizes() {
        let out = process(&jpeg(3000, 1500)).unwrap();
        let dims = |b: &[u8]| {
            let i = image::load_from_memory(b).unwrap();
            (i.width(), i.height())
        };
        assert_eq!(dims(&out.original), (2560, 1280));
        assert_eq!(dims(&out.display), (1280, 640));
        assert_eq!(dims(&out.thumb), (320, 160));
        assert_eq!((out.width, out.height), (2560, 1280));
    }

    #[test]
    fn png_and_webp_are_accepted_and_transparency_becomes_white() {
        let rgba = image::RgbaImage::from_pixel(8, 8, image::Rgba([0, 0, 0, 0]));
        let mut png = Vec::new();
        DynamicImage::ImageRgba8(rgba.clone())
            .write_to(&mut Cursor::new(&mut png), ImageFormat::Png)
            .unwrap();
        let out = process(&png).unwrap();
        let pixel = image::load_from_memory(&out.thumb)
            .unwrap()
            .to_rgb8()
            .get_pixel(4, 4)
            .0;
        assert!(pixel.iter().all(|c| *c > 240), "{pixel:?}");
        let mut webp = Vec::new();
        DynamicImage::ImageRgba8(rgba)
            .write_to(&mut Cursor::new(&mut webp), ImageFormat::WebP)
            .unwrap();
        assert!(process(&webp).is_ok());
    }

    #[test]
    fn other_files_are_refused_by_their_content() {
        assert_eq!(
            process(b"GIF89a....").unwrap_err(),
            PhotoError::UnsupportedType
        );
        assert_eq!(
            process(b"%PDF-1.7 hello").unwrap_err(),
            PhotoError::UnsupportedType
        );
        assert_eq!(
            process(b"<svg xmlns='http://www.w3.org/2000/svg'/>").unwrap_err(),
            PhotoError::UnsupportedType
        );
        let mut truncated = jpeg(64, 64);
        truncated.truncate(120);
        assert!(process(&truncated).is_err());
        assert_eq!(
            process(&vec![0xFF; MAX_BYTES + 1]).unwrap_err(),
            PhotoError::TooLarge
        );
    }
}
