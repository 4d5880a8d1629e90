//! Connector state scopes.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Where a state key lives. v3 hosts receive it as an integer code: see
/// [`StateScope::code`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StateScope {
    /// Shared by every connector of the pipeline.
    Pipeline,
    /// One value per stream.
    #[serde(alias = "stream")]
    PerStream,
    /// Private to one connector instance.
    ConnectorInstance,
}

impl StateScope {
    pub fn code(self) -> u32 {
        match self {
            StateScope::Pipeline => 0,
            StateScope::PerStream => 1,
            StateScope::ConnectorInstance => 2,
        }
    }

    pub fn from_code(code: u32) -> Option<StateScope> {
        match code {
            0 => Some(StateScope::Pipeline),
            1 => Some(StateScope::PerStream),
            2 => Some(StateScope::ConnectorInstance),
            _ => None,
        }
    }
}

impl fmt::Display for StateScope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            StateScope::Pipeline => "pipeline",
            StateScope::PerStream => "stream",
            StateScope::ConnectorInstance => "connector_instance",
        })
    }
}

/// One persisted state value, as the engine's state store keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StateEntry {
    pub scope: StateScope,
    pub key: String,
    pub value: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for scope in [StateScope::Pipeline, StateScope::PerStream, StateScope::ConnectorInstance] {
            assert_eq!(StateScope::from_code(scope.code()), Some(scope));
            let json = serde_json::to_string(&scope).unwrap();
            assert_eq!(serde_json::from_str::<StateScope>(&json).unwrap(), scope);
        }
        assert_eq!(StateScope::from_code(3), None);
    }

    #[test]
    fn reads_entries_stored_by_v3_engines() {
        let stored: StateEntry =
            serde_json::from_str(r#"{"scope": "stream", "key": "cursor", "value": "42"}"#).unwrap();
        assert_eq!(stored.scope, StateScope::PerStream);
        let pipeline: StateEntry = serde_json::from_str(r#"{"scope": "pipeline", "key": "k", "value": ""}"#).unwrap();
        assert_eq!(pipeline.scope, StateScope::Pipeline);
    }
}
