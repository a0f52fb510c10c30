//! The contact centre for staff: the unit queue (filters, sorting, bulk status changes), a
//! report's full page and its actions, hotline intake and caller lookup.

pub mod callers;
pub mod calls;
pub mod intake;
pub mod queue;
pub mod report;

use crate::context::CurrentUser;
use miasto_domain::Permission;
use miasto_store::reports::Report;

/// Whether this user may act on this report: the contact centre and admins on any, unit staff
/// on their own unit's.
pub fn can_handle(user: &CurrentUser, report: &Report) -> bool {
    let role = user.user.role;
    role.can(Permission::HandleReports)
        && (role.can(Permission::HandleAnyUnitsReports) || user.user.unit_id == Some(report.unit))
}
