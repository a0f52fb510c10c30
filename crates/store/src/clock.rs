//! The one clock. Everything that asks "what time is it?" — phases of a budget edition, rate
//! limit windows, timestamps written — asks [`crate::now`], which reads the real clock
//! unless the running task has set its own with [`Clock::run`]: tests do, to put an edition
//! in any phase, and `miasto budget demo` does, to replay a past vote as it happened. A
//! task-local clock keeps parallel tests apart (each test's requests run in its own task) and
//! cannot be reached from a request.

use chrono::{DateTime, Utc};
use std::sync::{Arc, Mutex};

/// A clock a task sets and moves.
#[derive(Debug, Clone)]
pub struct Clock(Arc<Mutex<DateTime<Utc>>>);

tokio::task_local! {
    static CLOCK: Clock;
}

impl Clock {
    pub fn at(t: DateTime<Utc>) -> Self {
        Self(Arc::new(Mutex::new(t)))
    }

    pub fn set(&self, t: DateTime<Utc>) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = t;
    }

    pub fn advance(&self, by: chrono::Duration) {
        let mut t = self.0.lock().unwrap_or_else(|e| e.into_inner());
        *t += by;
    }

    fn read(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Runs `f` (and everything it awaits in the same task) with this clock.
    pub async fn run<F: std::future::Future>(&self, f: F) -> F::Output {
        CLOCK.scope(self.clone(), f).await
    }
}

/// The task's clock if it set one, else the real one.
pub(crate) fn read() -> DateTime<Utc> {
    CLOCK.try_with(Clock::read).unwrap_or_else(|_| Utc::now())
}
