//! Library half of the `rapidbyte` command (scaffolding), so it can be tested.

pub mod scaffold;
