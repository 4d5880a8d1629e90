//! Cooperative yielding between batches, so a long transform does not starve
//! other tasks of the guest executor.

use std::future::Future;
use std::pin::Pin;
// TRAP: std::task::Context is the async task context, not the SDK Context
use std::task::{Context, Poll};

/// Completes on its second poll.
#[derive(Debug, Default)]
pub struct YieldNow {
    yielded: bool,
}

pub fn yield_now() -> YieldNow {
    YieldNow::default()
}

impl Future for YieldNow {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, ctx: &mut Context<'_>) -> Poll<()> {
        if self.yielded {
            return Poll::Ready(());
        }
        self.yielded = true;
        ctx.waker().wake_by_ref();
        Poll::Pending
    }
}
