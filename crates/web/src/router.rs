//! Every route of the platform, in one place. Layers, outermost first: request id → panic
//! guard → tracing → security headers → metrics; page routes add the request context →
//! error pages → same-origin check → a 64 KiB body limit.

use crate::{
    AppState, Error, accounts, admin, api, assets, budget, context, developers, error, home,
    metrics, open311, opendata, reports, security, staff, stats, timeouts,
};
use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request};
use axum::http::StatusCode;
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::{get, post};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{
    MakeRequestUuid, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

/// Form bodies are small; uploads raise this on their own routes.
pub const FORM_BODY_LIMIT: usize = 64 * 1024;

/// A call-volume file: years of days fit in far less.
pub const CALLS_BODY_LIMIT: usize = 2 * 1024 * 1024;

/// A report with five photos of 7 MiB each, and its text.
pub const REPORT_BODY_LIMIT: usize =
    miasto_store::photos::MAX_PER_REPORT * miasto_store::photos::MAX_BYTES + 256 * 1024;

async fn not_found() -> Error {
    Error::NotFound
}

pub fn router(state: AppState) -> Router {
    let pages = Router::new()
        .route("/", get(home::show_home))
        .route(
            "/register",
            get(accounts::register::show_register).post(accounts::register::register),
        )
        .route(
            "/register/check-email",
            get(accounts::register::show_check_email),
        )
        .route(
            "/confirm-email",
            get(accounts::confirm::show_confirm_email).post(accounts::confirm::confirm_email),
        )
        .route(
            "/confirm-email/resend",
            post(accounts::confirm::resend_confirmation),
        )
        .route(
            "/login",
            get(accounts::login::show_login).post(accounts::login::login),
        )
        .route("/logout", post(accounts::login::logout))
        .route(
            "/password/forgot",
            get(accounts::password::show_forgot_password)
                .post(accounts::password::request_password_reset),
        )
        .route(
            "/password/forgot/sent",
            get(accounts::password::show_reset_sent),
        )
        .route(
            "/password/reset",
            get(accounts::password::show_reset_password).post(accounts::password::reset_password),
        )
        .route("/language", post(accounts::language::change_language))
        .route("/developers/api", get(developers::show_api_reference))
        .route("/budget", get(budget::show_budget))
        .route("/budget/{slug}", get(budget::show_edition))
        .route(
            "/budget/{slug}/projects",
            get(budget::list_projects)
                .post(budget::submit::submit_project)
                .layer(DefaultBodyLimit::max(REPORT_BODY_LIMIT)),
        )
        .route(
            "/budget/{slug}/projects/new",
            get(budget::submit::show_new_project),
        )
        .route(
            "/budget/{slug}/projects/{number}",
            get(budget::show_project),
        )
        .route(
            "/budget/{slug}/projects/{number}/edit",
            get(budget::submit::show_edit_project)
                .post(budget::submit::edit_project)
                .layer(DefaultBodyLimit::max(REPORT_BODY_LIMIT)),
        )
        .route("/budget/photos/{id}/{variant}", get(budget::show_photo))
        .route(
            "/budget/{slug}/projects/{number}/withdraw",
            post(budget::submit::withdraw_project),
        )
        .route(
            "/budget/{slug}/projects/{number}/appeal",
            post(budget::verify::file_appeal),
        )
        .route(
            "/staff/budget/{slug}/projects",
            get(budget::verify::list_projects),
        )
        .route(
            "/staff/budget/{slug}/projects/{number}",
            get(budget::verify::show_project),
        )
        .route(
            "/staff/budget/{slug}/projects/{number}/assign",
            post(budget::verify::assign_project),
        )
        .route(
            "/staff/budget/{slug}/projects/{number}/assess",
            post(budget::verify::assess_project),
        )
        .route(
            "/staff/budget/{slug}/projects/{number}/decide",
            post(budget::verify::decide_project),
        )
        .route(
            "/staff/budget/{slug}/projects/{number}/appeal",
            post(budget::verify::decide_appeal),
        )
        .route(
            "/staff/budget/{slug}/projects/{number}/milestone",
            post(budget::verify::add_milestone),
        )
        .route(
            "/budget/{slug}/vote",
            get(budget::vote::show_vote).post(budget::vote::cast_vote),
        )
        .route("/budget/{slug}/results", get(budget::show_results))
        .route(
            "/budget/{slug}/results/{file}",
            get(budget::download_pabulib),
        )
        .route(
            "/staff/budget",
            get(budget::staff::list_editions).post(budget::editions::create_edition),
        )
        .route("/staff/budget/new", get(budget::editions::show_new_edition))
        .route("/staff/budget/{slug}", get(budget::staff::show_edition))
        .route(
            "/staff/budget/{slug}/schedule",
            post(budget::staff::change_schedule),
        )
        .route(
            "/staff/budget/{slug}/share",
            get(budget::commission::show_share).post(budget::commission::collect_share),
        )
        .route(
            "/staff/budget/{slug}/share/check",
            post(budget::commission::check_share),
        )
        .route(
            "/staff/budget/{slug}/count",
            get(budget::commission::show_count).post(budget::commission::count_votes),
        )
        .route(
            "/staff/budget/{slug}/publish",
            post(budget::commission::publish_results),
        )
        .route(
            "/staff/budget/{slug}/correct",
            post(budget::commission::correct_results),
        )
        .route(
            "/staff/budget/{slug}/counter",
            get(budget::counter::show_counter).post(budget::counter::check_voter),
        )
        .route(
            "/staff/budget/{slug}/counter/ballot",
            post(budget::counter::cast_at_counter),
        )
        .route(
            "/staff/budget/{slug}/paper",
            get(budget::staff::show_paper).post(budget::staff::key_paper),
        )
        .route("/stats", get(stats::show_stats))
        .route("/opendata", get(opendata::show_catalog))
        .route("/opendata/catalog.jsonld", get(opendata::catalog))
        .route("/opendata/{file}", get(opendata::download))
        .route("/stats/{file}", get(stats::stats_csv))
        .route("/my", get(accounts::my_city::show_my_city))
        .route("/my/account", get(accounts::account::show_account))
        .route("/my/password", post(accounts::account::change_password))
        .route(
            "/my/sessions/end-others",
            post(accounts::account::end_other_sessions),
        )
        .route(
            "/my/devices/{id}/revoke",
            post(accounts::account::revoke_device),
        )
        .route("/my/data.json", get(accounts::export::export_my_data))
        .route(
            "/my/delete",
            get(accounts::delete::show_delete_account).post(accounts::delete::delete_account),
        )
        .route(
            "/reports",
            get(reports::list::list_reports)
                .post(reports::create::create_report)
                .layer(DefaultBodyLimit::max(REPORT_BODY_LIMIT)),
        )
        .route("/reports/new", get(reports::new::show_new_report))
        .route("/reports/map.geojson", get(reports::list::reports_geojson))
        .route(
            "/reports/new/details",
            get(reports::new::show_report_details),
        )
        .route(
            "/reports/track/{token}",
            get(reports::show::show_tracked_report),
        )
        .route("/reports/{year}/{number}", get(reports::show::show_report))
        .route(
            "/reports/{year}/{number}/support",
            post(reports::support::support_report),
        )
        .route(
            "/supports/{token}",
            get(reports::support::show_confirm_support).post(reports::support::confirm_support),
        )
        .route("/photos/{id}/{variant}", get(reports::photo::show_photo))
        .route(
            "/reports/track/{token}/photos/{id}/{variant}",
            get(reports::photo::show_tracked_photo),
        )
        .route(
            "/feedback/{token}",
            get(reports::feedback::show_feedback).post(reports::feedback::answer_feedback),
        )
        .route(
            "/staff",
            get(|| async { axum::response::Redirect::to("/staff/queue") }),
        )
        .route("/staff/queue", get(staff::queue::show_queue))
        .route("/staff/queue/bulk", post(staff::queue::bulk_change))
        .route(
            "/staff/reports/{year}/{number}",
            get(staff::report::show_staff_report),
        )
        .route(
            "/staff/reports/{year}/{number}/status",
            post(staff::report::change_report_status),
        )
        .route(
            "/staff/reports/{year}/{number}/note",
            post(staff::report::add_report_note),
        )
        .route(
            "/staff/reports/{year}/{number}/assign",
            post(staff::report::reassign_report),
        )
        .route(
            "/staff/reports/{year}/{number}/merge",
            post(staff::report::merge_report),
        )
        .route(
            "/staff/reports/{year}/{number}/redact",
            post(staff::report::redact_report),
        )
        .route(
            "/staff/photos/{id}/visibility",
            post(staff::report::set_photo_visibility),
        )
        .route(
            "/staff/intake",
            get(staff::intake::show_intake).post(staff::intake::record_report),
        )
        .route("/staff/callers", get(staff::callers::find_caller_reports))
        .route(
            "/staff/hotline-calls",
            get(staff::calls::show_calls)
                .post(staff::calls::import_calls)
                .layer(DefaultBodyLimit::max(CALLS_BODY_LIMIT)),
        )
        .route("/admin", get(admin::show_dashboard))
        .route("/admin/users", get(admin::users::list_users))
        .route("/admin/users/{id}", get(admin::users::show_user))
        .route("/admin/users/{id}/role", post(admin::users::change_role))
        .route(
            "/admin/users/{id}/access",
            post(admin::users::change_access),
        )
        .route(
            "/admin/units",
            get(admin::units::list_units).post(admin::units::create_unit),
        )
        .route("/admin/units/new", get(admin::units::show_new_unit))
        .route(
            "/admin/units/{id}",
            get(admin::units::show_unit).post(admin::units::update_unit),
        )
        .route(
            "/admin/categories",
            get(admin::categories::list_categories).post(admin::categories::create_category),
        )
        .route(
            "/admin/categories/new",
            get(admin::categories::show_new_category),
        )
        .route(
            "/admin/categories/{id}",
            get(admin::categories::show_category).post(admin::categories::update_category),
        )
        .route(
            "/admin/categories/{id}/questions",
            post(admin::questions::save_question),
        )
        .route(
            "/admin/categories/{id}/questions/{code}/delete",
            post(admin::questions::delete_question),
        )
        .route(
            "/admin/routing",
            get(admin::routing::show_routing).post(admin::routing::set_routing_rule),
        )
        .route(
            "/admin/routing/{id}/delete",
            post(admin::routing::delete_routing_rule),
        )
        .route(
            "/admin/api-clients",
            get(admin::api_clients::list_api_clients).post(admin::api_clients::issue_api_key),
        )
        .route(
            "/admin/api-clients/{id}/revoke",
            post(admin::api_clients::revoke_api_key),
        )
        .route("/admin/audit", get(admin::audit::list_audit))
        .route("/admin/outbox", get(admin::outbox::list_outbox))
        .route(
            "/admin/outbox/{id}",
            get(admin::outbox::show_outbox_message),
        )
        .fallback(not_found)
        .layer(CatchPanicLayer::new())
        .layer(from_fn(security::same_origin))
        .layer(from_fn(error::render_errors))
        .layer(from_fn_with_state(state.clone(), context::resolve))
        .layer(DefaultBodyLimit::max(FORM_BODY_LIMIT));

    Router::new()
        .route("/healthz", get(home::show_health))
        .nest("/open311/v2", open311::router())
        .nest(api::BASE, api::router())
        .route("/metrics", get(metrics::show_metrics))
        .route("/static/{*path}", get(assets::show_asset))
        .merge(pages)
        .layer(from_fn_with_state(state.clone(), timeouts::body_deadline))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            state.config().timeouts.request,
        ))
        .layer(from_fn_with_state(state.clone(), metrics::track))
        .layer(from_fn_with_state(state.clone(), security::headers))
        .layer(TraceLayer::new_for_http().make_span_with(|req: &Request| {
            // Route templates and request ids only: paths and queries can carry tokens.
            let route = req
                .extensions()
                .get::<MatchedPath>()
                .map_or("unmatched", MatchedPath::as_str);
            let id = req
                .extensions()
                .get::<RequestId>()
                .and_then(|id| id.header_value().to_str().ok())
                .unwrap_or_default();
            tracing::info_span!("request", method = %req.method(), route, request_id = id)
        }))
        .layer(CatchPanicLayer::new())
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .with_state(state)
}
