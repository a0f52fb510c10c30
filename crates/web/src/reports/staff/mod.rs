//! The contact centre for staff: the unit queue (filters, sorting, bulk status changes), a
//! report's full page and its actions, hotline intake and caller lookup.

pub mod callers;
pub mod calls;
pub mod intake;
pub mod queue;
pub mod replies;
pub mod report;

use crate::context::CurrentUser;
use miasto_domain::Permission;
use miasto_store::reports::Report;

/// Whether this user may act on this report: the contact centre and admins on any, unit staff
/// on their own unit's.
/// The one unit a staff member's report work is confined to; `None` for those who handle
/// every unit's reports.
pub fn unit_scope(user: &CurrentUser) -> Option<miasto_domain::UnitId> {
    if user.user.role.can(Permission::HandleAnyUnitsReports) {
        None
    } else {
        // Without a unit, nothing matches: a nil id is no unit's.
        Some(
            user.user
                .unit_id
                .unwrap_or(miasto_domain::UnitId(uuid::Uuid::nil())),
        )
    }
}

pub fn can_handle(user: &CurrentUser, report: &Report) -> bool {
    user.user.role.can(Permission::HandleReports)
        && unit_scope(user).is_none_or(|unit| unit == report.unit)
}
