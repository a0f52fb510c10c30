//! The pages' side of the edition's rulebook: who is asking, as the rules see them, and one
//! call that answers "may they do this now?" for a page to show a button or a handler to go
//! on. The answer is `miasto_domain::budget::may`'s; nothing here decides.

use crate::context::Ctx;
use crate::{AppState, Error};
use miasto_domain::budget::{Action, Actor, EditionState, ProjectFacts, Refusal, may};
use miasto_store::budget::{self, Edition, Project};

/// The visitor as the rules see them.
pub fn actor(ctx: &Ctx) -> Actor {
    match &ctx.user {
        Some(u) => Actor {
            user: Some(u.user.id),
            role: Some(u.user.role),
            unit: u.user.unit_id,
        },
        None => Actor::ANONYMOUS,
    }
}

/// The edition's state now, by the one clock.
pub fn state(edition: &Edition) -> EditionState {
    edition.state(miasto_store::now())
}

/// Whether the visitor may do `action` (to `project`) now.
pub fn allowed(
    ctx: &Ctx,
    action: Action,
    edition: &Edition,
    project: Option<&ProjectFacts>,
) -> Result<(), Refusal> {
    may(&actor(ctx), action, &state(edition), project)
}

/// Like [`allowed`], as the handler's error (a page that says why, with an honest status).
pub fn require(
    ctx: &Ctx,
    action: Action,
    edition: &Edition,
    project: Option<&ProjectFacts>,
) -> Result<(), Error> {
    allowed(ctx, action, edition, project).map_err(Error::Refused)
}

/// The project's facts as the rules need them.
pub async fn facts(state: &AppState, project: &Project) -> Result<ProjectFacts, Error> {
    Ok(budget::facts(state.db(), project).await?)
}
