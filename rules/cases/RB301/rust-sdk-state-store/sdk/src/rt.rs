//! The guest's state store: one opened connector per component instance in v3.
//! A v4 `open` returns a session, so each item the glue keeps its state in is
//! reported; the helpers it calls without the slot are not.

use std::cell::RefCell;
use std::thread::LocalKey;

pub struct State {
    pub config: String,
}

impl State {
    pub fn new(config: String) -> State {
        State { config }
    }

    pub fn describe(&self) -> &str {
        &self.config
    }
}

pub type Slot = RefCell<Option<State>>;

pub fn install(slot: &'static LocalKey<Slot>, state: State) {
    slot.with(|cell| *cell.borrow_mut() = Some(state));
}

pub fn with_state<R>(slot: &'static LocalKey<Slot>, f: impl FnOnce(&mut State) -> R) -> Option<R> {
    slot.with(|cell| cell.borrow_mut().as_mut().map(f))
}

pub fn parse(config: &str) -> String {
    config.trim().to_owned()
}
