//! Every route of the platform, in one place. Layers, outermost first: request id → panic
//! guard → tracing → security headers → metrics → deadlines (slow bodies, slow answers: 408);
//! page routes add the request context →
//! error pages → same-origin check → a 64 KiB body limit.

use crate::{
    AppState, Error, accounts, admin, api, assets, budget, consultations, context, developers,
    dialogue, error, home, initiatives, metrics, open311, opendata, places, referenda, reports,
    requests, security, stats, timeouts,
};
use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request};
use axum::handler::Handler;
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::{MethodRouter, get, post};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{
    MakeRequestUuid, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
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

/// How a page route takes its body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Takes {
    /// A GET page.
    Nothing,
    /// A URL-encoded form (64 KiB at most).
    Form,
    /// A `multipart/form-data` upload, up to this many bytes.
    Upload(usize),
}

/// One route of the HTML pages and forms, as the router holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRoute {
    pub path: &'static str,
    pub takes: Takes,
}

/// The page routes, built through a table that remembers every route it adds: tests that must
/// cover "every page" or "every form" enumerate [`page_routes`], so a new route is covered the
/// day it is added.
struct Pages {
    router: Router<AppState>,
    routes: Vec<PageRoute>,
}

impl Pages {
    fn add(mut self, path: &'static str, takes: Takes, route: MethodRouter<AppState>) -> Self {
        self.routes.push(PageRoute { path, takes });
        self.router = self.router.route(path, route);
        self
    }

    fn get<H: Handler<T, AppState>, T: 'static>(self, path: &'static str, handler: H) -> Self {
        self.add(path, Takes::Nothing, get(handler))
    }

    fn post<H: Handler<T, AppState>, T: 'static>(self, path: &'static str, handler: H) -> Self {
        self.add(path, Takes::Form, post(handler))
    }

    fn upload<H: Handler<T, AppState>, T: 'static>(
        self,
        path: &'static str,
        handler: H,
        limit: usize,
    ) -> Self {
        let route = post(handler).layer(DefaultBodyLimit::max(limit));
        self.add(path, Takes::Upload(limit), route)
    }
}

/// Every page route, in the order the router adds them.
pub fn page_routes() -> Vec<PageRoute> {
    pages().routes
}

fn pages() -> Pages {
    Pages {
        router: Router::new(),
        routes: Vec::new(),
    }
    .get("/", home::show_home)
    .get("/register", accounts::register::show_register)
    .post("/register", accounts::register::register)
    .get(
        "/register/check-email",
        accounts::register::show_check_email,
    )
    .get("/confirm-email", accounts::confirm::show_confirm_email)
    .post("/confirm-email", accounts::confirm::confirm_email)
    .post(
        "/confirm-email/resend",
        accounts::confirm::resend_confirmation,
    )
    .get("/login", accounts::login::show_login)
    .post("/login", accounts::login::login)
    .post("/logout", accounts::login::logout)
    .get("/password/forgot", accounts::password::show_forgot_password)
    .post(
        "/password/forgot",
        accounts::password::request_password_reset,
    )
    .get("/password/forgot/sent", accounts::password::show_reset_sent)
    .get("/password/reset", accounts::password::show_reset_password)
    .post("/password/reset", accounts::password::reset_password)
    .post("/language", accounts::language::change_language)
    .get("/developers/api", developers::show_api_reference)
    .get("/budget", budget::show_budget)
    .get("/budget/{slug}", budget::show_edition)
    .get("/budget/{slug}/projects", budget::list_projects)
    .upload(
        "/budget/{slug}/projects",
        budget::submit::submit_project,
        REPORT_BODY_LIMIT,
    )
    .get(
        "/budget/{slug}/projects/new",
        budget::submit::show_new_project,
    )
    .get("/budget/{slug}/projects/{number}", budget::show_project)
    .get(
        "/budget/{slug}/projects/{number}/edit",
        budget::submit::show_edit_project,
    )
    .upload(
        "/budget/{slug}/projects/{number}/edit",
        budget::submit::edit_project,
        REPORT_BODY_LIMIT,
    )
    .get("/budget/photos/{id}/{variant}", budget::show_photo)
    .post(
        "/budget/{slug}/projects/{number}/withdraw",
        budget::submit::withdraw_project,
    )
    .post(
        "/budget/{slug}/projects/{number}/appeal",
        budget::appeal::file_appeal,
    )
    .get(
        "/staff/budget/{slug}/projects",
        budget::staff::verify::list_projects,
    )
    .get(
        "/staff/budget/{slug}/projects/{number}",
        budget::staff::verify::show_project,
    )
    .post(
        "/staff/budget/{slug}/projects/{number}/assign",
        budget::staff::verify::assign_project,
    )
    .post(
        "/staff/budget/{slug}/projects/{number}/assess",
        budget::staff::verify::assess_project,
    )
    .post(
        "/staff/budget/{slug}/projects/{number}/decide",
        budget::staff::verify::decide_project,
    )
    .post(
        "/staff/budget/{slug}/projects/{number}/appeal",
        budget::staff::verify::decide_appeal,
    )
    .post(
        "/staff/budget/{slug}/projects/{number}/milestone",
        budget::staff::verify::add_milestone,
    )
    .get("/budget/{slug}/vote", budget::vote::show_vote)
    .post("/budget/{slug}/vote", budget::vote::cast_vote)
    .post("/budget/{slug}/vote/choose", budget::choose::choose_project)
    .get("/budget/{slug}/vote/review", budget::vote::show_review)
    .get("/budget/{slug}/results", budget::show_results)
    .get("/budget/{slug}/results/{file}", budget::download_pabulib)
    .get("/staff/budget", budget::staff::list_editions)
    .post("/staff/budget", budget::staff::editions::create_edition)
    .get(
        "/staff/budget/new",
        budget::staff::editions::show_new_edition,
    )
    .get("/staff/budget/{slug}", budget::staff::show_edition)
    .get(
        "/staff/budget/{slug}/electorate",
        budget::staff::electorate::show_electorate,
    )
    .post(
        "/staff/budget/{slug}/electorate",
        budget::staff::electorate::change_electorate,
    )
    .post(
        "/staff/budget/{slug}/schedule",
        budget::staff::change_schedule,
    )
    .get(
        "/staff/budget/{slug}/share",
        budget::staff::commission::show_share,
    )
    .post(
        "/staff/budget/{slug}/share",
        budget::staff::commission::collect_share,
    )
    .post(
        "/staff/budget/{slug}/share/check",
        budget::staff::commission::check_share,
    )
    .get(
        "/staff/budget/{slug}/count",
        budget::staff::commission::show_count,
    )
    .post(
        "/staff/budget/{slug}/count",
        budget::staff::commission::count_votes,
    )
    .post(
        "/staff/budget/{slug}/publish",
        budget::staff::commission::publish_results,
    )
    .post(
        "/staff/budget/{slug}/correct",
        budget::staff::commission::correct_results,
    )
    .get(
        "/staff/budget/{slug}/counter",
        budget::staff::counter::show_counter,
    )
    .post(
        "/staff/budget/{slug}/counter",
        budget::staff::counter::check_voter,
    )
    .post(
        "/staff/budget/{slug}/counter/ballot",
        budget::staff::counter::cast_at_counter,
    )
    .get("/staff/budget/{slug}/paper", budget::staff::show_paper)
    .post("/staff/budget/{slug}/paper", budget::staff::key_paper)
    .get("/stats", stats::show_stats)
    .get("/opendata", opendata::show_catalog)
    .get("/opendata/catalog.jsonld", opendata::catalog)
    .get("/opendata/{file}", opendata::download)
    .get("/stats/{file}", stats::stats_csv)
    .get("/my", accounts::my_city::show_my_city)
    .get("/my/account", accounts::account::show_account)
    .post("/my/password", accounts::account::change_password)
    .post("/my/notifications", accounts::account::change_notifications)
    .post(
        "/my/sessions/end-others",
        accounts::account::end_other_sessions,
    )
    .post("/my/devices/{id}/revoke", accounts::account::revoke_device)
    .get("/my/data.json", accounts::export::export_my_data)
    .get("/my/delete", accounts::delete::show_delete_account)
    .post("/my/delete", accounts::delete::delete_account)
    .get("/reports", reports::list::list_reports)
    .upload(
        "/reports",
        reports::create::create_report,
        REPORT_BODY_LIMIT,
    )
    .get("/reports/new", reports::new::show_new_report)
    .get("/reports/map.geojson", reports::list::reports_geojson)
    .get("/places/search", places::search_places)
    .get("/places/nearest", places::nearest_place)
    .get("/reports/new/details", reports::new::show_report_details)
    .get("/reports/track/{token}", reports::show::show_tracked_report)
    .get("/reports/{year}/{number}", reports::show::show_report)
    .post(
        "/reports/{year}/{number}/support",
        reports::support::support_report,
    )
    .get("/supports/{token}", reports::support::show_confirm_support)
    .post("/supports/{token}", reports::support::confirm_support)
    .get("/photos/{id}/{variant}", reports::photo::show_photo)
    .get(
        "/reports/staged/{key}/{id}",
        reports::photo::show_staged_photo,
    )
    .get(
        "/reports/track/{token}/photos/{id}/{variant}",
        reports::photo::show_tracked_photo,
    )
    .get("/feedback/{token}", reports::feedback::show_feedback)
    .post("/feedback/{token}", reports::feedback::answer_feedback)
    .get("/staff", || async {
        axum::response::Redirect::to("/staff/queue")
    })
    .get("/staff/queue", reports::staff::queue::show_queue)
    .post("/staff/queue/bulk", reports::staff::queue::bulk_change)
    .get(
        "/staff/reports/{year}/{number}",
        reports::staff::report::show_staff_report,
    )
    .post(
        "/staff/reports/{year}/{number}/status",
        reports::staff::report::change_report_status,
    )
    .post(
        "/staff/reports/{year}/{number}/note",
        reports::staff::report::add_report_note,
    )
    .post(
        "/staff/reports/{year}/{number}/assign",
        reports::staff::report::reassign_report,
    )
    .post(
        "/staff/reports/{year}/{number}/merge",
        reports::staff::report::merge_report,
    )
    .post(
        "/staff/reports/{year}/{number}/redact",
        reports::staff::report::redact_report,
    )
    .post(
        "/staff/photos/{id}/visibility",
        reports::staff::report::set_photo_visibility,
    )
    .get("/staff/answer-templates", consultations::templates::list)
    .post("/staff/answer-templates", consultations::templates::add)
    .get(
        "/staff/answer-templates/{id}",
        consultations::templates::show,
    )
    .post(
        "/staff/answer-templates/{id}",
        consultations::templates::change,
    )
    .get("/initiatives", initiatives::list)
    .post("/initiatives", initiatives::apply)
    .get("/initiatives/new", initiatives::new_form)
    .get("/initiatives/map.geojson", initiatives::map_geojson)
    .get("/initiatives/{number}", initiatives::show)
    .get(
        "/initiatives/photos/{id}/{variant}",
        initiatives::show_photo,
    )
    .get("/staff/initiatives", initiatives::staff::queue)
    .post("/staff/initiatives/pool", initiatives::staff::set_pool)
    .get("/staff/initiatives/{number}", initiatives::staff::show)
    .post(
        "/staff/initiatives/{number}/assess",
        initiatives::staff::assess,
    )
    .post(
        "/staff/initiatives/{number}/accept",
        initiatives::staff::accept,
    )
    .post(
        "/staff/initiatives/{number}/refuse",
        initiatives::staff::refuse,
    )
    .post(
        "/staff/initiatives/{number}/agreement",
        initiatives::staff::agree,
    )
    .upload(
        "/staff/initiatives/{number}/report",
        initiatives::staff::report,
        REPORT_BODY_LIMIT,
    )
    .get("/referenda", referenda::list)
    .get("/referenda/{number}", referenda::show)
    .get("/referenda/{number}/vote", referenda::vote_form)
    .post("/referenda/{number}/vote", referenda::vote)
    .get("/referenda/{number}/ballots.csv", referenda::ballots_csv)
    .get("/staff/referenda", referenda::staff::index)
    .post("/staff/referenda", referenda::staff::create)
    .get("/staff/referenda/{number}", referenda::staff::show)
    .post("/staff/referenda/{number}", referenda::staff::update)
    .post(
        "/staff/referenda/{number}/announce",
        referenda::staff::announce,
    )
    .post(
        "/staff/referenda/{number}/share",
        referenda::staff::collect_share,
    )
    .post(
        "/staff/referenda/{number}/paper",
        referenda::staff::key_paper,
    )
    .post("/staff/referenda/{number}/open", referenda::staff::open)
    .get("/dialogue", dialogue::list)
    .get("/dialogue/figures", dialogue::figures)
    .get("/dialogue/{number}", dialogue::show)
    .get("/dialogue/{number}/calendar.ics", dialogue::calendar)
    .post("/dialogue/{number}/questions", dialogue::ask)
    .post("/dialogue/questions/{id}/follow", dialogue::follow)
    .get("/staff/dialogue", dialogue::staff::dashboard)
    .post("/staff/dialogue", dialogue::staff::create)
    .get("/staff/dialogue/new", dialogue::staff::new_form)
    .get("/staff/dialogue/{number}", dialogue::staff::show)
    .post(
        "/staff/dialogue/{number}/questions",
        dialogue::staff::type_in,
    )
    .post("/staff/dialogue/{number}/publish", dialogue::staff::publish)
    .post(
        "/staff/dialogue/questions/{id}/route",
        dialogue::staff::route,
    )
    .post(
        "/staff/dialogue/questions/{id}/answer",
        dialogue::staff::answer,
    )
    .post("/staff/dialogue/questions/{id}/hide", dialogue::staff::hide)
    .post(
        "/staff/dialogue/questions/{id}/report",
        dialogue::staff::make_report,
    )
    .get("/requests", requests::list)
    .post("/requests", requests::submit)
    .get("/requests/new", requests::new_form)
    .get("/requests/{number}", requests::show)
    .post("/requests/{number}/sign", requests::sign)
    .post(
        "/requests/{number}/sign-organisation",
        requests::sign_for_organisation,
    )
    .get("/my/organisations", requests::organisations::show_own)
    .post("/my/organisations", requests::organisations::link)
    .get("/staff/requests", requests::staff::queue)
    .get("/staff/requests/{number}", requests::staff::show)
    .post("/staff/requests/{number}/open", requests::staff::open)
    .post(
        "/staff/requests/{number}/electorate",
        requests::staff::electorate,
    )
    .post("/staff/requests/{number}/paper", requests::staff::paper)
    .post("/staff/requests/{number}/accept", requests::staff::accept)
    .post("/staff/requests/{number}/refuse", requests::staff::refuse)
    .get("/staff/organisations", requests::organisations::queue)
    .post("/staff/organisations/{id}", requests::organisations::decide)
    .get("/consultations", consultations::list_consultations)
    .get(
        "/consultations/map.geojson",
        consultations::consultations_geojson,
    )
    .get("/consultations/{slug}", consultations::show_consultation)
    .post(
        "/consultations/{slug}/comments",
        consultations::comments::add,
    )
    .post(
        "/consultations/{slug}/comments/{id}/hide",
        consultations::comments::hide,
    )
    .get(
        "/consultations/{slug}/documents/{id}",
        consultations::documents::show,
    )
    .post(
        "/consultations/{slug}/documents/{id}/comments",
        consultations::documents::comment_document,
    )
    .get(
        "/consultations/{slug}/documents/{id}/paragraphs/{paragraph}",
        consultations::documents::show_paragraph,
    )
    .post(
        "/consultations/{slug}/documents/{id}/paragraphs/{paragraph}/comments",
        consultations::documents::comment_paragraph,
    )
    .get(
        "/consultations/{slug}/documents/{id}/versions/{n}",
        consultations::documents::show_changes,
    )
    .get(
        "/consultations/{slug}/report",
        consultations::answers::report,
    )
    .get("/consultations/{slug}/survey", consultations::survey::show)
    .upload(
        "/consultations/{slug}/survey",
        consultations::survey::answer,
        REPORT_BODY_LIMIT,
    )
    .get(
        "/consultations/{slug}/survey/results",
        consultations::survey::results,
    )
    .get(
        "/consultations/{slug}/survey/results/{key}",
        consultations::survey::texts,
    )
    .get(
        "/staff/consultations/{slug}/survey",
        consultations::survey::builder,
    )
    .post(
        "/staff/consultations/{slug}/survey/settings",
        consultations::survey::settings,
    )
    .post(
        "/staff/consultations/{slug}/survey/questions",
        consultations::survey::add_question,
    )
    .post(
        "/staff/consultations/{slug}/survey/questions/{key}",
        consultations::survey::change_question,
    )
    .post(
        "/staff/consultations/{slug}/survey/codes",
        consultations::survey::make_codes,
    )
    .post(
        "/staff/consultations/{slug}/survey/margins",
        consultations::survey::weigh,
    )
    .get(
        "/staff/consultations/{slug}/survey/files/{key}",
        consultations::survey::files,
    )
    .get(
        "/staff/survey-files/{id}/{variant}",
        consultations::survey::file,
    )
    .get(
        "/staff/consultations/{slug}/survey/downloads/{file}",
        consultations::survey::download,
    )
    .get(
        "/consultations/{slug}/downloads/{file}",
        consultations::answers::download,
    )
    .get(
        "/staff/consultations/{slug}/documents",
        consultations::documents::staff_list,
    )
    .post(
        "/staff/consultations/{slug}/documents",
        consultations::documents::staff_create,
    )
    .get(
        "/staff/consultations/{slug}/documents/{id}",
        consultations::documents::staff_show,
    )
    .post(
        "/staff/consultations/{slug}/documents/{id}",
        consultations::documents::staff_version,
    )
    .get(
        "/staff/consultations/{slug}/answers",
        consultations::answers::show,
    )
    .post(
        "/staff/consultations/{slug}/answers",
        consultations::answers::answer,
    )
    .post(
        "/staff/consultations/{slug}/answers/{id}",
        consultations::answers::edit,
    )
    .post(
        "/staff/consultations/{slug}/report",
        consultations::answers::publish_report,
    )
    .get(
        "/consultations/{slug}/statements",
        consultations::statements::show,
    )
    .post(
        "/consultations/{slug}/statements",
        consultations::statements::propose,
    )
    .post(
        "/consultations/{slug}/statements/{id}/vote",
        consultations::statements::vote,
    )
    .get(
        "/consultations/{slug}/opinions",
        consultations::statements::opinions,
    )
    .get(
        "/staff/consultations/{slug}/statements",
        consultations::statements::staff,
    )
    .post(
        "/staff/consultations/{slug}/statements",
        consultations::statements::add,
    )
    .post(
        "/staff/consultations/{slug}/statements/{id}/moderate",
        consultations::statements::moderate,
    )
    .get(
        "/staff/consultations/{slug}/groups",
        consultations::groups::list,
    )
    .post(
        "/staff/consultations/{slug}/groups",
        consultations::groups::analyse,
    )
    .get(
        "/staff/consultations/{slug}/groups/{id}",
        consultations::groups::show,
    )
    .post(
        "/staff/consultations/{slug}/groups/{id}/label",
        consultations::groups::rename,
    )
    .post(
        "/staff/consultations/{slug}/groups/{id}/confirm",
        consultations::groups::confirm,
    )
    .post(
        "/staff/consultations/{slug}/groups/{id}/merge",
        consultations::groups::merge,
    )
    .post(
        "/staff/consultations/{slug}/groups/{id}/move",
        consultations::groups::move_comment,
    )
    .post(
        "/staff/consultations/{slug}/groups/{id}/answer",
        consultations::groups::answer,
    )
    .get(
        "/staff/consultations/{slug}/comments",
        consultations::comments::show_record,
    )
    .post(
        "/staff/consultations/{slug}/comments",
        consultations::comments::record,
    )
    .get(
        "/consultations/{slug}/meetings/{id}",
        consultations::meetings::show_meeting,
    )
    .post(
        "/consultations/{slug}/meetings/{id}",
        consultations::meetings::sign_up,
    )
    .get(
        "/consultations/{slug}/meetings/{id}/calendar.ics",
        consultations::meetings::calendar,
    )
    .get(
        "/consultations/{slug}/duty-hours/{id}",
        consultations::meetings::show_duty_hour,
    )
    .post(
        "/consultations/{slug}/duty-hours/{id}",
        consultations::meetings::book,
    )
    .get(
        "/staff/consultations/{slug}/meetings",
        consultations::meetings::staff_list,
    )
    .post(
        "/staff/consultations/{slug}/meetings",
        consultations::meetings::add_meeting,
    )
    .get(
        "/staff/consultations/{slug}/meetings/{id}",
        consultations::meetings::staff_meeting,
    )
    .post(
        "/staff/consultations/{slug}/meetings/{id}",
        consultations::meetings::publish_minutes,
    )
    .get(
        "/staff/consultations/{slug}/meetings/{id}/edit",
        consultations::meetings::show_edit_meeting,
    )
    .post(
        "/staff/consultations/{slug}/meetings/{id}/edit",
        consultations::meetings::edit_meeting,
    )
    .post(
        "/staff/consultations/{slug}/duty-hours/{id}/cancel",
        consultations::meetings::cancel_duty_hour,
    )
    .post(
        "/staff/consultations/{slug}/meetings/{id}/cancel",
        consultations::meetings::cancel_meeting,
    )
    .post(
        "/staff/consultations/{slug}/duty-hours",
        consultations::meetings::add_duty_hour,
    )
    .get(
        "/staff/consultations/{slug}/duty-hours/{id}",
        consultations::meetings::staff_duty_hour,
    )
    .post(
        "/staff/consultations/{slug}/duty-hours/{id}",
        consultations::meetings::staff_book,
    )
    .post(
        "/consultations/subscriptions",
        consultations::subscriptions::subscribe,
    )
    .post(
        "/consultations/subscriptions/{id}/delete",
        consultations::subscriptions::remove,
    )
    .get(
        "/consultations/subscriptions/{id}/unsubscribe",
        consultations::subscriptions::show_unsubscribe,
    )
    .post(
        "/consultations/subscriptions/{id}/unsubscribe",
        consultations::subscriptions::unsubscribe,
    )
    .get(
        "/staff/consultations/{slug}/moderation",
        consultations::moderation::show,
    )
    .post(
        "/staff/consultations/{slug}/moderation",
        consultations::moderation::decide,
    )
    .get("/staff/consultations", consultations::staff::list)
    .post("/staff/consultations", consultations::staff::create)
    .get("/staff/consultations/new", consultations::staff::show_new)
    .get("/staff/consultations/{slug}", consultations::staff::show)
    .post("/staff/consultations/{slug}", consultations::staff::update)
    .post(
        "/staff/consultations/{slug}/publish",
        consultations::staff::publish,
    )
    .post(
        "/staff/consultations/{slug}/cancel",
        consultations::staff::cancel,
    )
    .get("/staff/replies", reports::staff::replies::list_replies)
    .post("/staff/replies", reports::staff::replies::create_reply)
    .get(
        "/staff/replies/new",
        reports::staff::replies::show_new_reply,
    )
    .get("/staff/replies/{id}", reports::staff::replies::show_reply)
    .post("/staff/replies/{id}", reports::staff::replies::update_reply)
    .post(
        "/staff/replies/{id}/delete",
        reports::staff::replies::delete_reply,
    )
    .get("/staff/intake", reports::staff::intake::show_intake)
    .post("/staff/intake", reports::staff::intake::record_report)
    .get(
        "/staff/callers",
        reports::staff::callers::find_caller_reports,
    )
    .get("/staff/hotline-calls", reports::staff::calls::show_calls)
    .upload(
        "/staff/hotline-calls",
        reports::staff::calls::import_calls,
        CALLS_BODY_LIMIT,
    )
    .get("/admin", admin::show_dashboard)
    .get("/admin/users", admin::users::list_users)
    .get("/admin/users/invite", admin::users::show_invite)
    .post("/admin/users/invite", admin::users::invite)
    .get("/admin/users/{id}", admin::users::show_user)
    .post(
        "/admin/users/{id}/invitation",
        admin::users::resend_invitation,
    )
    .post("/admin/users/{id}/role", admin::users::change_role)
    .post("/admin/users/{id}/access", admin::users::change_access)
    .get("/admin/units", admin::units::list_units)
    .post("/admin/units", admin::units::create_unit)
    .get("/admin/units/new", admin::units::show_new_unit)
    .get("/admin/units/{id}", admin::units::show_unit)
    .post("/admin/units/{id}", admin::units::update_unit)
    .get("/admin/categories", admin::categories::list_categories)
    .post("/admin/categories", admin::categories::create_category)
    .get(
        "/admin/categories/new",
        admin::categories::show_new_category,
    )
    .get("/admin/categories/{id}", admin::categories::show_category)
    .post("/admin/categories/{id}", admin::categories::update_category)
    .post(
        "/admin/categories/{id}/questions",
        admin::questions::save_question,
    )
    .post(
        "/admin/categories/{id}/questions/{code}/delete",
        admin::questions::delete_question,
    )
    .get("/admin/routing", admin::routing::show_routing)
    .post("/admin/routing", admin::routing::set_routing_rule)
    .post("/admin/routing/table", admin::routing::save_routing_table)
    .post(
        "/admin/routing/{id}/delete",
        admin::routing::delete_routing_rule,
    )
    .get("/admin/api-clients", admin::api_clients::list_api_clients)
    .post("/admin/api-clients", admin::api_clients::issue_api_key)
    .post(
        "/admin/api-clients/{id}/revoke",
        admin::api_clients::revoke_api_key,
    )
    .get("/admin/audit", admin::audit::list_audit)
    .get("/admin/outbox", admin::outbox::list_outbox)
    .get("/admin/outbox/{id}", admin::outbox::show_outbox_message)
}

pub fn router(state: AppState) -> Router {
    let pages = pages()
        .router
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
        .layer(from_fn_with_state(state.clone(), timeouts::deadlines))
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
