//! In-process tests of every journey through the real router.

mod accounts;
mod admin;
mod harness;
mod shell;
