//! Decoding of the v3 host-call arguments: JSON envelopes for `checkpoint`
//! and `metric`, integer codes for checkpoint kinds.
//!
//! A paragraph that names `checkpoint` without saying how it is encoded.

/// Writes a JSON log line (no host call named: not a payload).
pub fn log_line() {}

/// The cursor of `checkpoint_count` is a JSON value (a lookalike name).
pub fn cursor() {}
